namespace Virtlab.Domain.Validation;

/// <summary>One problem with user input: where it is (an XML path or an option) and what to do.</summary>
public sealed record ValidationError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}
