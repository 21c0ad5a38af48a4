using System.Diagnostics;
using Virtlab.Qmp;

namespace Virtlab.Protocol.Tests.RealQemu;

/// <summary>A real <c>qemu-system-x86_64 -S</c> (no guest, TCG) with a QMP socket, killed by PID on dispose.</summary>
internal sealed class QemuUnderTest : IAsyncDisposable
{
    public const string Binary = "qemu-system-x86_64";

    private readonly TempSocketDirectory _directory;
    private readonly Process _process;

    private QemuUnderTest(Process process, string socketPath, TempSocketDirectory directory)
    {
        _process = process;
        SocketPath = socketPath;
        _directory = directory;
    }

    public string SocketPath { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The full path of qemu-system-x86_64 on PATH, or null.</summary>
    public static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, Binary))
            .FirstOrDefault(File.Exists);

    /// <summary>Skips the test when QEMU is absent, except under CI=true, where that is a failure.</summary>
    public static string RequireBinary()
    {
        if (Find() is { } path)
        {
            return path;
        }

        var reason = $"{Binary} is not on PATH: the real-QEMU QMP tests need QEMU (10.0 from bookworm-backports on this project's hosts)";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(reason + " (CI=true, so this is a failure, not a skip)");
        }

        Assert.Skip(reason);
        return string.Empty;
    }

    public static QemuUnderTest Start(string binary)
    {
        var directory = new TempSocketDirectory();
        var socketPath = directory.PathOf("qmp.sock");
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])[
            "-S", "-nodefaults", "-display", "none", "-machine", "pc", "-accel", "tcg",
            "-smp", "1,maxcpus=4", "-m", "128",
            "-qmp", $"unix:{socketPath.Replace(",", ",,", StringComparison.Ordinal)},server=on,wait=off"])
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {binary}");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new QemuUnderTest(process, socketPath, directory);
    }

    /// <summary>Connects, retrying while QEMU has not created the socket yet (ConnectFailed is transient).</summary>
    public async Task<QmpClient> ConnectAsync(QmpClientOptions? options, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                return await QmpClient.ConnectAsync(SocketPath, options, cancellationToken);
            }
            catch (QmpException e) when (e.Kind == QmpErrorKind.ConnectFailed && Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(10))
            {
                Assert.False(_process.HasExited, $"{Binary} exited with code {(_process.HasExited ? _process.ExitCode : 0)}");
                await Task.Delay(20, cancellationToken);
            }
        }
    }

    public Task WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _process.WaitForExitAsync(cancellationToken).WaitAsync(timeout, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _directory.Dispose();
    }
}
