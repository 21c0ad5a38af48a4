namespace Virtlab.Qga;

/// <summary>The root of every error raised by the guest-agent client.</summary>
public class GuestAgentException : Exception
{
    /// <summary>Creates an exception of the given kind.</summary>
    public GuestAgentException(GuestAgentErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    /// <summary>What went wrong.</summary>
    public GuestAgentErrorKind Kind { get; }

    /// <summary>True when trying again later may succeed without changing anything:
    /// <see cref="GuestAgentErrorKind.ConnectFailed"/>, <see cref="GuestAgentErrorKind.Unresponsive"/>,
    /// <see cref="GuestAgentErrorKind.ExecTimeout"/>.</summary>
    public bool IsTransient =>
        Kind is GuestAgentErrorKind.ConnectFailed or GuestAgentErrorKind.Unresponsive or GuestAgentErrorKind.ExecTimeout;
}
