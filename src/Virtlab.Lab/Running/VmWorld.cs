using System.Globalization;
using System.Text;
using Virtlab.Api;
using Virtlab.Client;
using Virtlab.Lab.Results;
using Virtlab.Lab.Scenarios;

namespace Virtlab.Lab.Running;

/// <summary>
/// A guest on a lab host: created from the default image (virtlab create with the world's CPU, vCPUs, memory and
/// accelerator), the application's files copied into /run/lab through the agent's file calls, the probe's runner and
/// sampler started with guest-exec and their files read back the same way. A migration moves it to another lab host
/// (<see cref="MovedTo"/>); disposing it destroys it wherever it is.
/// </summary>
internal sealed class VmWorld(WorldSpec spec, string domain, LabHost host, (string Address, string Spec)? nic) : ILabWorld
{
    private const string Probe = "/usr/bin/virtlab-probe";
    private const string Dir = "/run/lab";
    private const string RunLog = Dir + "/app.log";
    private const string SampleLog = Dir + "/samples.jsonl";
    private long _runner = -1;
    private long _sampler = -1;
    private long _offset;
    private bool _ended;

    public WorldSpec Spec { get; } = spec;

    public VmWorld? Vm => this;

    public string? Address => nic?.Address;

    public string Domain { get; } = domain;

    /// <summary>The lab host the guest runs on now.</summary>
    public LabHost Host { get; private set; } = host;

    public GuestAgent Agent => new(Host.Client, Domain);

    public string DomainPath => $"v1/domains/{Uri.EscapeDataString(Domain)}";

    public void MovedTo(LabHost host) => Host = host;

    public async Task PrepareAsync(IReadOnlyList<AppFile> files, CancellationToken ct)
    {
        var request = new CreateRequest(
            Domain,
            Spec.Vcpus,
            Spec.Memory,
            Spec.Cpu,
            Accel: Spec.Accel is null or "auto" ? null : Spec.Accel,
            WaitAgentSeconds: 180,
            Network: nic?.Spec);
        DomainInfo info;
        try
        {
            info = await Host.Client.PostAsync("v1/domains", request, ApiJsonContext.Default.CreateRequest, ApiJsonContext.Default.DomainInfo, ct).ConfigureAwait(false);
        }
        catch (DaemonCallException e)
        {
            throw new LabWorldException($"the guest did not start: {e.Message}", e);
        }

        Host.Track(info.Pid);
        var agent = Agent;
        await agent.RunAsync("/bin/mkdir", ["-p", Dir], TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
        foreach (var f in files)
        {
            var to = $"{Dir}/{f.Name}";
            await agent.WriteFileAsync(to, await File.ReadAllBytesAsync(f.Source, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
            var mode = Convert.ToString((int)File.GetUnixFileMode(f.Source) & 0x1FF, 8);
            await agent.RunAsync("/bin/chmod", [mode, to], TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
        }
    }

    public async Task<WorldFacts> FactsAsync(CancellationToken ct)
    {
        var agent = Agent;
        var cpuinfo = (await agent.RunAsync("/bin/cat", ["/proc/cpuinfo"], TimeSpan.FromSeconds(30), ct).ConfigureAwait(false)).Stdout;
        var meminfo = (await agent.RunAsync("/bin/cat", ["/proc/meminfo"], TimeSpan.FromSeconds(30), ct).ConfigureAwait(false)).Stdout;
        var clocksource = (await agent.RunAsync("/bin/cat", [WorldFactsReader.ClocksourcePath], TimeSpan.FromSeconds(30), ct).ConfigureAwait(false)).Stdout;
        var pmu = (await agent.RunAsync(Probe, ["pmu"], TimeSpan.FromSeconds(60), ct).ConfigureAwait(false)).Stdout;
        return WorldFactsReader.Read(cpuinfo, meminfo, clocksource, pmu, 1);
    }

    public async Task StartAsync(IReadOnlyList<string> argv, IReadOnlyDictionary<string, string> env, CancellationToken ct)
    {
        var agent = Agent;
        _sampler = await agent.ExecAsync(Probe, ["sample", "250", SampleLog], capture: false, env: null, ct).ConfigureAwait(false);

        // guest-exec has no working directory: a fixed script changes into the one given as $0 and execs the argv
        // that follows, so no part of the user's command line is ever read by the shell.
        _runner = await agent.ExecAsync(
            "/bin/sh",
            ["-c", "cd \"$0\" && exec \"$@\"", Dir, Probe, "run", RunLog, "--", .. argv],
            capture: true,
            env.Count == 0 ? env : new Dictionary<string, string>(env) { ["PATH"] = env.GetValueOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin") },
            ct).ConfigureAwait(false);
    }

    public async Task<string> ReadRunLogAsync(CancellationToken ct)
    {
        byte[] bytes;
        try
        {
            bytes = await Agent.ReadFileAsync(RunLog, _offset, ct).ConfigureAwait(false);
        }
        catch (LabWorldException) when (_offset == 0)
        {
            return string.Empty; // Not created yet.
        }

        var end = Array.LastIndexOf(bytes, (byte)'\n') + 1;
        _offset += end;
        return Encoding.UTF8.GetString(bytes, 0, end);
    }

    public async Task<bool> HasEndedAsync(CancellationToken ct)
    {
        if (!_ended && _runner >= 0)
        {
            _ended = await Agent.ExecStatusAsync(_runner, ct).ConfigureAwait(false) is not null;
        }

        return _ended;
    }

    public async Task KillAppAsync(CancellationToken ct)
    {
        if (_runner >= 0 && !await HasEndedAsync(ct).ConfigureAwait(false))
        {
            var pid = _runner.ToString(CultureInfo.InvariantCulture);
            await Agent.RunAsync("/bin/kill", ["-TERM", pid], TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
            for (var i = 0; i < 30 && !await HasEndedAsync(ct).ConfigureAwait(false); i++)
            {
                await Task.Delay(100, ct).ConfigureAwait(false);
            }

            if (!await HasEndedAsync(ct).ConfigureAwait(false))
            {
                await Agent.RunAsync("/bin/kill", ["-KILL", pid], TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
            }
        }
    }

    public async Task<string> StopSamplerAsync(CancellationToken ct)
    {
        if (_sampler >= 0)
        {
            await Agent.RunAsync("/bin/kill", ["-TERM", _sampler.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
        }

        var bytes = await Agent.ReadFileAsync(SampleLog, 0, ct).ConfigureAwait(false);
        return Encoding.UTF8.GetString(bytes);
    }

    public async ValueTask DisposeAsync() => await Host.DestroyAsync(Domain).ConfigureAwait(false);
}
