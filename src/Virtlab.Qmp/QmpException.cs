namespace Virtlab.Qmp;

/// <summary>The root of every error raised by the QMP client.</summary>
public class QmpException : Exception
{
    /// <summary>Creates an exception of the given kind.</summary>
    public QmpException(QmpErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    /// <summary>What went wrong.</summary>
    public QmpErrorKind Kind { get; }

    /// <summary>True when trying the same operation again later may succeed without changing anything:
    /// <see cref="QmpErrorKind.ConnectFailed"/>, <see cref="QmpErrorKind.GreetingTimeout"/> and
    /// <see cref="QmpErrorKind.Timeout"/>. A lost connection needs a new client; an interrupted command needs a re-query.</summary>
    public bool IsTransient => Kind is QmpErrorKind.ConnectFailed or QmpErrorKind.GreetingTimeout or QmpErrorKind.Timeout;
}
