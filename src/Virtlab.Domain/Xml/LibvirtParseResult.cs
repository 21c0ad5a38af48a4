using System.Diagnostics.CodeAnalysis;
using Virtlab.Domain.Definitions;
using Virtlab.Domain.Validation;

namespace Virtlab.Domain.Xml;

/// <summary>
/// What <see cref="LibvirtDomainXml.Parse"/> found: either a valid, defaulted definition and no
/// errors, or no definition and every problem, each at its XML path (<c>/domain/devices/disk</c>,
/// <c>/domain/vcpu/@current</c>).
/// </summary>
public sealed record LibvirtParseResult(DomainDefinition? Definition, IReadOnlyList<ValidationError> Errors)
{
    [MemberNotNullWhen(true, nameof(Definition))]
    public bool IsValid => Definition is not null && Errors.Count == 0;
}
