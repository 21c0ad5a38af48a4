using System.Diagnostics;
using Virtlab.Api;
using Virtlab.Engine.Domains;

namespace Virtlab.Engine.Migration;

/// <summary>A migration this daemon is sending: its domain, destination, samples, switches and the closed loop's state.</summary>
internal sealed class OutgoingMigration(DomainObject domain, string peer)
{
    public DomainObject Domain { get; } = domain;

    public string Name => Domain.Name;

    public string Peer { get; } = peer;

    public List<JobSample> Samples { get; } = [];

    public bool AbortRequested { get; set; }

    public bool TimedOut { get; set; }

    public bool StuckInSetup { get; set; }

    /// <summary>The stream stopped moving (no byte sent for the stuck timeout) and the follower cancelled it.</summary>
    public bool Stalled { get; set; }

    /// <summary>The closed loop cancelled the migration because nothing could meet --max-downtime any more: why.</summary>
    public string? GaveUp { get; set; }

    /// <summary>Stopwatch ticks when <c>migrate</c> was sent: time zero of the samples and the ping trace.</summary>
    public long Origin { get; set; } = Stopwatch.GetTimestamp();

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(Origin);

    /// <summary>The external pinger (--measure on a guest with an address on the lab network); disposed when the migrate call ends.</summary>
    public Network.IcmpPinger? Pinger { get; set; }

    /// <summary>The migration was started with --postcopy.</summary>
    public bool PostcopyAllowed { get; init; }

    /// <summary>'virtlab migrate-postcopy' asked for the switch; the poll loop makes it.</summary>
    public bool PostcopyRequested { get; set; }

    /// <summary>migrate-start-postcopy was sent: from here on the source is never resumed.</summary>
    public bool PostcopyStarted { get; set; }

    /// <summary>The closed loop's plan (--max-downtime), its in-flight half, and the steps it took.</summary>
    public ConvergencePlan? Plan { get; init; }

    public ConvergenceMonitor? Monitor { get; init; }

    public List<SteeringDecision> Steps { get; } = [];

    public double? SourceClockOffsetMs { get; set; }

    /// <summary>Host time (Unix ms) of the switch-over as the poll saw it: the last 'active' sample, or migrate-start-postcopy.</summary>
    public double? SwitchOverUnixMs { get; set; }

    public double LastActiveUnixMs { get; set; }

    /// <summary>The destination's host id in the cluster (null: not in one), from its incoming reply.</summary>
    public string? DestinationHost { get; init; }

    /// <summary>The address the source dialled for the destination's API: QEMU's tls-hostname for the stream.</summary>
    public string? DestinationHostname { get; init; }

    /// <summary>How the memory stream travels (TLS or plain TCP), as both QEMUs reported it.</summary>
    public string? Transport { get; set; }

    /// <summary>The VM's ownership went to the destination (the switch-over, or the start of post-copy).</summary>
    public bool HandedOver { get; private set; }

    /// <summary>Before the destination runs the guest: the ownership goes there (once), or this throws and it must not run there.</summary>
    public async Task HandOverAsync(IVmOwnership ownership)
    {
        ArgumentNullException.ThrowIfNull(ownership);
        if (!HandedOver)
        {
            await ownership.HandOverAsync(Name, DestinationHost, CancellationToken.None).ConfigureAwait(false);
            HandedOver = true;
        }
    }

    /// <summary>The switch-over failed after the hand-over: the ownership comes back before the guest runs here again.</summary>
    public async Task TakeBackAsync(IVmOwnership ownership)
    {
        ArgumentNullException.ThrowIfNull(ownership);
        if (HandedOver)
        {
            await ownership.TakeBackAsync(Name, DestinationHost, CancellationToken.None).ConfigureAwait(false);
            HandedOver = false;
        }
    }
}
