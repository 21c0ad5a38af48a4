using System.Diagnostics;
using System.Text;
using Virtlab.Lab.Results;
using Virtlab.Lab.Scenarios;

namespace Virtlab.Lab.Running;

/// <summary>
/// The physical world: the application runs on this machine in <c>runs/host/work/</c>, under the same
/// <c>virtlab-probe run</c> and beside the same <c>virtlab-probe sample</c> as in a guest (the static probe the image
/// build leaves beside the image). Events do not apply here.
/// </summary>
internal sealed class HostWorld(WorldSpec spec, string runDirectory, string probe) : ILabWorld
{
    private readonly string _work = Path.Combine(runDirectory, "work");
    private Process? _runner;
    private Process? _sampler;
    private long _offset;

    public WorldSpec Spec { get; } = spec;

    public VmWorld? Vm => null;

    public string? Address => "127.0.0.1";

    private string RunLog => Path.Combine(_work, "app.log");

    private string SampleLog => Path.Combine(_work, "samples.jsonl");

    public Task PrepareAsync(IReadOnlyList<AppFile> files, CancellationToken ct)
    {
        if (Directory.Exists(_work))
        {
            Directory.Delete(_work, recursive: true);
        }

        Directory.CreateDirectory(_work);
        foreach (var f in files)
        {
            var to = Path.Combine(_work, f.Name);
            File.Copy(f.Source, to);
            File.SetUnixFileMode(to, File.GetUnixFileMode(f.Source));
        }

        return Task.CompletedTask;
    }

    public async Task<WorldFacts> FactsAsync(CancellationToken ct)
    {
        var cpuinfo = await File.ReadAllTextAsync("/proc/cpuinfo", ct).ConfigureAwait(false);
        var meminfo = await File.ReadAllTextAsync("/proc/meminfo", ct).ConfigureAwait(false);
        var clocksource = await ReadOrEmptyAsync(WorldFactsReader.ClocksourcePath, ct).ConfigureAwait(false);
        var pmu = await RunProbeAsync(["pmu"], ct).ConfigureAwait(false);
        return WorldFactsReader.Read(cpuinfo, meminfo, clocksource, pmu, Environment.ProcessorCount);
    }

    public Task StartAsync(IReadOnlyList<string> argv, IReadOnlyDictionary<string, string> env, CancellationToken ct)
    {
        _sampler = Start([probe, "sample", "250", SampleLog], env: null);
        _runner = Start([probe, "run", RunLog, "--", .. argv], env);
        return Task.CompletedTask;
    }

    public async Task<string> ReadRunLogAsync(CancellationToken ct)
    {
        if (!File.Exists(RunLog))
        {
            return string.Empty;
        }

        await using var f = new FileStream(RunLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        f.Seek(_offset, SeekOrigin.Begin);
        using var buffer = new MemoryStream();
        await f.CopyToAsync(buffer, ct).ConfigureAwait(false);
        var bytes = buffer.ToArray();
        var end = Array.LastIndexOf(bytes, (byte)'\n') + 1;
        _offset += end;
        return Encoding.UTF8.GetString(bytes, 0, end);
    }

    public Task<bool> HasEndedAsync(CancellationToken ct) => Task.FromResult(_runner is null || _runner.HasExited);

    public async Task KillAppAsync(CancellationToken ct)
    {
        if (_runner is { HasExited: false } r)
        {
            Posix.Terminate(r.Id);
            using var grace = CancellationTokenSource.CreateLinkedTokenSource(ct);
            grace.CancelAfter(TimeSpan.FromSeconds(3));
            try
            {
                await r.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                r.Kill(entireProcessTree: true);
            }
        }
    }

    public async Task<string> StopSamplerAsync(CancellationToken ct)
    {
        if (_sampler is { HasExited: false } s)
        {
            Posix.Terminate(s.Id);
            await s.WaitForExitAsync(ct).ConfigureAwait(false);
        }

        return File.Exists(SampleLog) ? await File.ReadAllTextAsync(SampleLog, ct).ConfigureAwait(false) : string.Empty;
    }

    public ValueTask DisposeAsync()
    {
        foreach (var p in new[] { _runner, _sampler })
        {
            if (p is { HasExited: false })
            {
                p.Kill(entireProcessTree: true);
            }

            p?.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private Process Start(IReadOnlyList<string> argv, IReadOnlyDictionary<string, string>? env, bool drain = true)
    {
        var psi = new ProcessStartInfo(argv[0])
        {
            WorkingDirectory = _work,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in argv.Skip(1))
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }

        var p = Process.Start(psi) ?? throw new LabWorldException($"could not start {argv[0]}");
        p.StandardInput.Close();
        _ = p.StandardError.ReadToEndAsync();
        if (drain)
        {
            _ = p.StandardOutput.ReadToEndAsync();
        }

        return p;
    }

    private async Task<string> RunProbeAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        using var p = Start([probe, .. args], env: null, drain: false);
        var output = await p.StandardOutput.ReadToEndAsync(ct).ConfigureAwait(false);
        await p.WaitForExitAsync(ct).ConfigureAwait(false);
        return output;
    }

    private static async Task<string> ReadOrEmptyAsync(string path, CancellationToken ct) =>
        File.Exists(path) ? await File.ReadAllTextAsync(path, ct).ConfigureAwait(false) : string.Empty;
}
