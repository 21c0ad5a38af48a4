namespace Virtlab.Engine.Migration;

/// <summary>Live migration's settings and named timeouts, with their defaults.</summary>
public sealed class MigrationOptions
{
    /// <summary>The address incoming migrations listen on (the daemon's --listen address).</summary>
    public string ListenAddress { get; init; } = "127.0.0.1";

    /// <summary>Destination-side checks before an incoming VM is prepared.</summary>
    public IReadOnlyList<IMigrationPreflight> Preflights { get; init; } = [new BasicMigrationPreflight()];

    /// <summary>How long a migration may sit in QEMU's 'setup' or 'cancelling' before Virtlab calls it stuck. Default 30 s.</summary>
    public TimeSpan StuckTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the source polls query-migrate. Default 100 ms.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often an interrupted migration is looked at again while it cannot be settled yet. Default 2 s.</summary>
    public TimeSpan SettleRetryInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long calc-dirty-rate samples (the closed loop's first measurement). Default 1 s.</summary>
    public TimeSpan DirtyRateSampleTime { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the closed loop watches the guest's heartbeat before a migration with --max-downtime, to learn
    /// what the host's load alone stalls it. Default 2 s.</summary>
    public TimeSpan BaselineWindow { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How much the link probe transfers, MiB. Default 64.</summary>
    public int LinkProbeMiB { get; init; } = 64;

    /// <summary>How long the destination waits for the incoming QEMU to run after the source completed. Default 30 s.</summary>
    public TimeSpan IncomingResumeTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
