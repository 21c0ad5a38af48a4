namespace Virtlab.Domain.Validation;

/// <summary>Thrown at the edge when user input has one or more problems; lists them all.</summary>
public sealed class DomainValidationException : Exception
{
    public DomainValidationException(IReadOnlyList<ValidationError> errors)
        : base(string.Join("; ", errors))
    {
        Errors = errors;
    }

    public IReadOnlyList<ValidationError> Errors { get; }
}
