namespace Virtlab.Qmp;

/// <summary>QEMU answered a command with <c>{"error": {"class": ..., "desc": ...}}</c>.</summary>
public sealed class QmpCommandException : QmpException
{
    /// <summary>Creates the exception for an error reply to <paramref name="command"/>.</summary>
    public QmpCommandException(string command, string errorClass, string description)
        : base(QmpErrorKind.CommandError, $"QMP command '{command}' failed: {errorClass}: {description}")
    {
        Command = command;
        ErrorClass = errorClass;
        Description = description;
    }

    /// <summary>The command that failed, as sent on the wire (e.g. <c>device_del</c>).</summary>
    public string Command { get; }

    /// <summary>QEMU's error class, e.g. <c>GenericError</c>, <c>DeviceNotFound</c>, <c>CommandNotFound</c>.</summary>
    public string ErrorClass { get; }

    /// <summary>QEMU's human-readable description.</summary>
    public string Description { get; }
}
