namespace Virtlab.Qmp;

/// <summary>Named timeouts and limits of a <see cref="QmpClient"/>.</summary>
public sealed class QmpClientOptions
{
    /// <summary>Default of <see cref="GreetingTimeout"/>: 5 s. QEMU greets at once; silence means another client holds the monitor.</summary>
    public static readonly TimeSpan DefaultGreetingTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Default of <see cref="CommandTimeout"/>: 30 s.</summary>
    public static readonly TimeSpan DefaultCommandTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Default of <see cref="MaxMessageBytes"/>: 64 MiB (<c>query-qmp-schema</c> is well under 1 MiB).</summary>
    public const int DefaultMaxMessageBytes = 64 * 1024 * 1024;

    /// <summary>How long <see cref="QmpClient.ConnectAsync"/> waits for the greeting after connecting. Default 5 s.</summary>
    public TimeSpan GreetingTimeout { get; init; } = DefaultGreetingTimeout;

    /// <summary>How long a command waits for its reply when the call passes no timeout of its own
    /// (also used for <c>qmp_capabilities</c> while connecting). Default 30 s.</summary>
    public TimeSpan CommandTimeout { get; init; } = DefaultCommandTimeout;

    /// <summary>The longest line accepted from QEMU; a longer one is a protocol error. Default 64 MiB.</summary>
    public int MaxMessageBytes { get; init; } = DefaultMaxMessageBytes;

    /// <summary>Optional diagnostic hook (ignored replies, connection loss, misbehaving subscribers). Called from
    /// background tasks; must be thread-safe and quick. Exceptions it throws are swallowed.</summary>
    public Action<string>? Log { get; init; }
}
