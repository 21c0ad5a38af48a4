namespace Virtlab.Qga;

/// <summary>The agent answered a command with <c>{"error": {"class": ..., "desc": ...}}</c>.</summary>
public sealed class GuestAgentCommandException : GuestAgentException
{
    /// <summary>Creates the exception for an error reply to <paramref name="command"/>.</summary>
    public GuestAgentCommandException(string command, string errorClass, string description)
        : base(GuestAgentErrorKind.CommandError, $"guest agent command '{command}' failed: {errorClass}: {description}")
    {
        Command = command;
        ErrorClass = errorClass;
        Description = description;
    }

    /// <summary>The command that failed, as on the wire.</summary>
    public string Command { get; }

    /// <summary>The agent's error class, e.g. <c>GenericError</c>, <c>CommandNotFound</c>.</summary>
    public string ErrorClass { get; }

    /// <summary>The agent's description.</summary>
    public string Description { get; }
}
