namespace Virtlab.Qmp;

/// <summary>What went wrong, in machine-readable form. See <see cref="QmpException.Kind"/>.</summary>
public enum QmpErrorKind
{
    /// <summary>The unix socket could not be connected (missing, refused, permission). Transient: QEMU may not have created it yet.</summary>
    ConnectFailed,

    /// <summary>The socket accepted the connection but no greeting arrived in time: another client holds the monitor
    /// (QEMU serves one QMP client at a time). Transient: it may be released.</summary>
    GreetingTimeout,

    /// <summary>A command got no reply (or an awaited event did not arrive) in time. The connection stays usable;
    /// the command may still take effect in QEMU. Transient.</summary>
    Timeout,

    /// <summary>The connection is closed (QEMU exited, the socket broke, or the client was poisoned earlier).
    /// The client cannot be used again; reconnecting is the caller's decision.</summary>
    ConnectionLost,

    /// <summary>The command was sent, then the connection died before its reply: the outcome is unknown and the
    /// caller must re-query QEMU's state (after reconnecting) instead of retrying blindly.</summary>
    ExecInterrupted,

    /// <summary>QEMU sent something that is not QMP (malformed JSON, an oversized line, an unexpected reply shape).</summary>
    ProtocolError,

    /// <summary>QEMU answered the command with an error reply. See <see cref="QmpCommandException"/>.</summary>
    CommandError,
}
