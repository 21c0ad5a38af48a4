namespace Virtlab.Engine;

/// <summary>What went wrong, machine-readable; the daemon maps each kind to one HTTP status.</summary>
public enum ErrorKind
{
    /// <summary>The user's input is wrong; the message says what to change.</summary>
    InvalidInput,

    /// <summary>No such domain.</summary>
    NotFound,

    /// <summary>The name or resource is already taken.</summary>
    AlreadyExists,

    /// <summary>The domain is in a state that does not allow the operation.</summary>
    InvalidState,

    /// <summary>This host cannot do it (missing QEMU, a QEMU with a known defect, no image).</summary>
    Unsupported,

    /// <summary>The guest agent did not answer.</summary>
    AgentUnresponsive,

    /// <summary>The guest agent answered with an error.</summary>
    AgentError,

    /// <summary>QEMU answered with an error.</summary>
    QemuError,

    /// <summary>A bounded wait ran out.</summary>
    Timeout,

    /// <summary>Another job holds the domain.</summary>
    Busy,

    /// <summary>A service this host depends on (etcd) did not answer; the message says which and what to check.</summary>
    Unreachable,

    /// <summary>The state database ($VIRTLAB_HOME/state.db) cannot be read or written: locked by another process, disk full, corrupt.</summary>
    StateUnavailable,

    /// <summary>Anything else: a bug or an environment failure.</summary>
    Internal,
}
