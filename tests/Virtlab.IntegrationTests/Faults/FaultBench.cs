using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Virtlab.IntegrationTests.Infrastructure;

namespace Virtlab.IntegrationTests.Faults;

/// <summary>
/// The hosts of one fault column: host A (the host under test, where every fault is injected; its $VIRTLAB_HOME is a
/// small tmpfs for the disk-full column), host B (a healthy peer: the other end of the migrations) and, on A, a
/// second VM ("witness") that must keep answering whatever happens to the subject VM.
/// </summary>
public sealed class FaultBench : IAsyncDisposable
{
    public const string Subject = "s";
    public const string Witness = "w";
    public static readonly string[] SubjectShape = ["--vcpus", "1,maxvcpus=4", "--memory", "256M,maxmemory=1G"];

    private bool _mounted;

    private FaultBench(VirtlabHost a, VirtlabHost b)
    {
        A = a;
        B = b;
    }

    public VirtlabHost A { get; }

    public VirtlabHost B { get; }

    public static async Task<FaultBench> StartAsync(bool tmpfsHome)
    {
        var bench = new FaultBench(new VirtlabHost(), new VirtlabHost());
        if (tmpfsHome)
        {
            await Run("mount", "-t", "tmpfs", "-o", "size=48m,mode=0700", "tmpfs", bench.A.Home);
            bench._mounted = true;
        }

        await bench.A.ListenAsync();
        await bench.B.ListenAsync();
        await bench.A.CreateAsync(Witness, "--memory", "256M");
        return bench;
    }

    /// <summary>The alive QEMU processes of <paramref name="name"/> on <paramref name="host"/> (found by the run dir on their command line).</summary>
    public static IReadOnlyList<int> QemuPids(VirtlabHost host, string name)
    {
        var marker = Path.Combine(host.Home, "run", name) + "/";
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
                if (cmdline.Contains("qemu-system", StringComparison.Ordinal) && cmdline.Contains(marker, StringComparison.Ordinal) && VirtlabHost.ProcessAlive(pid))
                {
                    pids.Add(pid);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return pids;
    }

    /// <summary>The state a host lists for a domain ("running", "shut off", ...), or null when it has no such domain.</summary>
    public static async Task<string?> ListedStateAsync(VirtlabHost host, string name)
    {
        var r = await host.RunAsync(TimeSpan.FromSeconds(60), "list", "--all", "--json");
        if (r.ExitCode != 0)
        {
            throw new FaultCheckException($"'list --all' failed: {FirstLine(r.Stderr)}");
        }

        foreach (var d in JsonNode.Parse(r.Stdout)!.AsArray())
        {
            if (d!["name"]!.GetValue<string>() == name)
            {
                return d["state"]!.GetValue<string>();
            }
        }

        return null;
    }

    public string Label(VirtlabHost host) => ReferenceEquals(host, A) ? "A" : "B";

    /// <summary>Makes sure A's daemon runs and listens on its address again (after it was killed, or started without --listen).</summary>
    public async Task EnsureListeningAsync()
    {
        var address = A.Uri!.Replace("virtlab+tcp://", string.Empty, StringComparison.Ordinal);
        var r = await A.RunAsync(TimeSpan.FromSeconds(90), "daemon", "start", "--listen", address);
        if (r.ExitCode != 0 && r.Stderr.Contains("already running", StringComparison.Ordinal))
        {
            await A.RunAsync(TimeSpan.FromSeconds(60), "daemon", "stop");
            r = await A.RunAsync(TimeSpan.FromSeconds(90), "daemon", "start", "--listen", address);
        }

        if (r.ExitCode != 0)
        {
            throw new FaultCheckException($"A's daemon did not start again: {FirstLine(r.Stderr)}");
        }
    }

    /// <summary>Kills, by PID, every QEMU left running under either host's home (what a failed cell may leave).</summary>
    public void KillLeftovers(string name)
    {
        foreach (var pid in QemuPids(A, name).Concat(QemuPids(B, name)))
        {
            Signal(pid, "KILL");
        }
    }

    /// <summary>Sends a signal to a process with /bin/kill (SIGSTOP, SIGCONT, SIGKILL).</summary>
    public static void Signal(int pid, string signal)
    {
        using var p = Process.Start(new ProcessStartInfo("/bin/kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        p.WaitForExit();
    }

    public static string FirstLine(string text)
    {
        var line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? string.Empty;
        return line.Length > 160 ? line[..157] + "..." : line;
    }

    public static async Task Run(string file, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { UseShellExecute = false, RedirectStandardError = true })!;
        var err = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)}: exit {p.ExitCode}: {err}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
        KillLeftovers(Subject);
        KillLeftovers(Witness);
        if (_mounted)
        {
            try
            {
                await Run("umount", A.Home);
                Directory.Delete(A.Home, recursive: true);
            }
            catch (Exception e) when (e is InvalidOperationException or IOException)
            {
            }
        }
    }
}

/// <summary>A check of a cell failed: the message is the cell's note.</summary>
public sealed class FaultCheckException(string message) : Exception(message);
