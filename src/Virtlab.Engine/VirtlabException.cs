using Virtlab.Domain.Validation;

namespace Virtlab.Engine;

/// <summary>The engine's one exception root: a kind, a message that says what to do, and for input errors every problem found.</summary>
public sealed class VirtlabException : Exception
{
    public VirtlabException(ErrorKind kind, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        Errors = [];
    }

    public VirtlabException(IReadOnlyList<ValidationError> errors)
        : base(errors.Count == 1 ? errors[0].ToString() : $"{errors.Count} problems: " + string.Join("; ", errors))
    {
        Kind = ErrorKind.InvalidInput;
        Errors = errors;
    }

    public ErrorKind Kind { get; }

    public IReadOnlyList<ValidationError> Errors { get; }
}
