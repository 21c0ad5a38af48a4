using Virtlab.Api;
using Virtlab.Lab.Console;
using Virtlab.Lab.Results;
using Virtlab.Lab.Scenarios;

namespace Virtlab.Lab.Running;

/// <summary>
/// The lab hosts of one lab command and the worlds run on them. <see cref="StartAsync"/> starts the daemons a scenario
/// needs and checks its CPU models against theirs before any VM starts; <see cref="RunWorldAsync"/> runs one world
/// (host or VM) with <see cref="WorldRunner"/> and writes its <c>runs/ID/</c>; disposing it destroys every VM and stops
/// every daemon the session started.
/// </summary>
internal sealed class LabSession(Scenario scenario, ILabProgress progress) : IAsyncDisposable
{
    private readonly List<LabHost> _hosts = [];
    private int _domains;
    private bool _network;

    public IReadOnlyList<LabHost> Hosts => _hosts;

    /// <summary>Starts <see cref="Scenario.Hosts"/> lab hosts when a VM world is to run.</summary>
    /// <exception cref="ScenarioException">A CPU model the lab host's QEMU does not know.</exception>
    public async Task StartAsync(bool vmWorlds, CancellationToken ct)
    {
        if (!vmWorlds)
        {
            return;
        }

        // A tcp_echo check reaches the guest from outside; a migration's ping trace needs an address too (when it can be had).
        var echo = scenario.Checks.OfType<TcpEchoCheck>().Any();
        if (echo || (scenario.Events.Any(e => e.Action is MigrateAction) && Environment.UserName == "root"))
        {
            await LabBridge.EnsureAsync(ct).ConfigureAwait(false);
            _network = true;
        }

        progress.Note($"starting {scenario.Hosts} lab host{(scenario.Hosts == 1 ? string.Empty : "s")}");
        // Hosts that migrate to each other need one CA for their mutual TLS (docs/SECURITY.md): host 1 makes it on its
        // first --listen (or takes VIRTLAB_TLS_DIR), and every other host issues its certificate from it.
        string? caDir = null;
        for (var i = 1; i <= scenario.Hosts; i++)
        {
            var host = await LabHost.StartAsync(i, listen: scenario.Hosts > 1, caDir, ct).ConfigureAwait(false);
            _hosts.Add(host);
            caDir ??= Environment.GetEnvironmentVariable("VIRTLAB_TLS_DIR") is { Length: > 0 } shared ? shared : Path.Combine(host.Home, "ca");
        }

        var models = await _hosts[0].Client.GetAsync("v1/cpu/models", ApiJsonContext.Default.CpuModelList, ct).ConfigureAwait(false);
        ScenarioReader.CheckCpuModels(scenario, [.. models.Models.Select(m => m.Name), .. models.Models.Select(m => m.AliasOf).OfType<string>()]);
        progress.Note("running");
    }

    public Task<MachineInfo> MachineAsync(CancellationToken ct) => MachineFacts.ReadAsync(_hosts.FirstOrDefault(), ct);

    /// <summary>Runs <paramref name="world"/> with <paramref name="events"/> into <c>REPORT/runs/ID/</c>.</summary>
    public async Task<WorldRun> RunWorldAsync(WorldSpec world, IReadOnlyList<EventSpec> events, string reportDirectory, CancellationToken ct)
    {
        var dir = Path.Combine(reportDirectory, "runs", world.Id);
        var runner = new WorldRunner(scenario, dir, state => progress.Update(world.Id, state));
        WorldRun run;
        if (world.Kind == WorldKind.Host)
        {
            await using var host = new HostWorld(world, dir, ProbeBinary.Find());
            run = await runner.RunAsync(host, events, null, ct).ConfigureAwait(false);
        }
        else
        {
            var number = Interlocked.Increment(ref _domains);
            await using var vm = new VmWorld(world, $"lab{Environment.ProcessId}-{number}", _hosts[0], _network ? LabBridge.Guest(number) : null);
            run = await runner.RunAsync(vm, events, new EventActions(_hosts), ct).ConfigureAwait(false);
        }

        await runner.SaveAsync(run, ct).ConfigureAwait(false);
        progress.Done(world.Id, run);
        return run;
    }

    public async ValueTask DisposeAsync()
    {
        if (_hosts.Count > 0)
        {
            progress.Note("stopping the lab hosts");
        }

        foreach (var h in _hosts)
        {
            await h.DisposeAsync().ConfigureAwait(false);
        }

        _hosts.Clear();
    }
}
