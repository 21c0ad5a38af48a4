namespace Virtlab.Qga;

/// <summary>What went wrong, in machine-readable form. See <see cref="GuestAgentException.Kind"/>.</summary>
public enum GuestAgentErrorKind
{
    /// <summary>The agent's chardev socket could not be connected. Transient: QEMU may not have created it yet.</summary>
    ConnectFailed,

    /// <summary>No answer in time: the agent is not running (yet), hung, or busy. The session is marked unsynced and
    /// the next call resyncs. Transient.</summary>
    Unresponsive,

    /// <summary>The socket closed (QEMU exited or the client was disposed). The client cannot be used again.</summary>
    ConnectionLost,

    /// <summary>The agent answered with an error reply. See <see cref="GuestAgentCommandException"/>.</summary>
    CommandError,

    /// <summary>The agent answered with something this client does not understand.</summary>
    ProtocolError,

    /// <summary>A program started with <c>guest-exec</c> did not exit within the caller's timeout; it may still be
    /// running in the guest. (Added to the brief's list: it is neither an unresponsive agent nor an error reply.)</summary>
    ExecTimeout,
}
