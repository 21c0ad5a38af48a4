namespace Virtlab.Qga;

/// <summary>Named timeouts of a <see cref="GuestAgentClient"/>.</summary>
public sealed class GuestAgentOptions
{
    /// <summary>Default of <see cref="SyncTimeout"/>: 5 s.</summary>
    public static readonly TimeSpan DefaultSyncTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Default of <see cref="CommandTimeout"/>: 30 s.</summary>
    public static readonly TimeSpan DefaultCommandTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Default of <see cref="SyncRetryInterval"/>: 0.5 s.</summary>
    public static readonly TimeSpan DefaultSyncRetryInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Default of <see cref="MaxMessageBytes"/>: 64 MiB (guest-exec output is base64 in one line).</summary>
    public const int DefaultMaxMessageBytes = 64 * 1024 * 1024;

    /// <summary>How long the implicit resync before a command (first use, or after a timeout/error) may take. Default 5 s.</summary>
    public TimeSpan SyncTimeout { get; init; } = DefaultSyncTimeout;

    /// <summary>How long a command waits for its reply when the call passes no timeout. Default 30 s.</summary>
    public TimeSpan CommandTimeout { get; init; } = DefaultCommandTimeout;

    /// <summary>How often <see cref="GuestAgentClient.WaitForAgentAsync"/> resends the sync while the guest boots. Default 0.5 s.</summary>
    public TimeSpan SyncRetryInterval { get; init; } = DefaultSyncRetryInterval;

    /// <summary>The longest line accepted from the agent. Default 64 MiB.</summary>
    public int MaxMessageBytes { get; init; } = DefaultMaxMessageBytes;

    /// <summary>Optional diagnostic hook (discarded stale lines, connection loss). Must be thread-safe and quick;
    /// exceptions it throws are swallowed.</summary>
    public Action<string>? Log { get; init; }
}
