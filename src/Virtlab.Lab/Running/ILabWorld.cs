using Virtlab.Lab.Results;
using Virtlab.Lab.Scenarios;

namespace Virtlab.Lab.Running;

/// <summary>
/// A place the application runs, with <c>virtlab-probe run</c> around it and <c>virtlab-probe sample</c> beside it:
/// this machine (<see cref="HostWorld"/>) or a guest on a lab host (<see cref="VmWorld"/>). The world runner
/// (<see cref="WorldRunner"/>) drives both through this one interface; only a VM world takes events.
/// </summary>
internal interface ILabWorld : IAsyncDisposable
{
    WorldSpec Spec { get; }

    /// <summary>Where the lab reaches the application's services from outside (tcp_echo): 127.0.0.1 on the host, the
    /// guest's lab-network address in a VM (null when it has none).</summary>
    string? Address { get; }

    /// <summary>The VM the events act on; null in the host world.</summary>
    VmWorld? Vm { get; }

    /// <summary>Boots the world if it is a VM, makes the run directory and copies the application's files into it.</summary>
    Task PrepareAsync(IReadOnlyList<AppFile> files, CancellationToken ct);

    /// <summary>What the world offers, read once before the run: CPU model and flags, clocksource, PMU, CPUs, memory.</summary>
    Task<WorldFacts> FactsAsync(CancellationToken ct);

    /// <summary>Starts the sampler, then the application under the runner, in the run directory.</summary>
    Task StartAsync(IReadOnlyList<string> argv, IReadOnlyDictionary<string, string> env, CancellationToken ct);

    /// <summary>What the runner wrote since the last call.</summary>
    Task<string> ReadRunLogAsync(CancellationToken ct);

    /// <summary>True once the runner (and so the application) has ended.</summary>
    Task<bool> HasEndedAsync(CancellationToken ct);

    /// <summary>SIGTERM to the runner, which passes it to the application; SIGKILL after a grace.</summary>
    Task KillAppAsync(CancellationToken ct);

    /// <summary>Stops the sampler and returns everything it wrote.</summary>
    Task<string> StopSamplerAsync(CancellationToken ct);
}
