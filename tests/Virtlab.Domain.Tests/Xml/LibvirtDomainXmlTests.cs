using Virtlab.Domain.Definitions;
using Virtlab.Domain.Validation;
using Virtlab.Domain.Xml;

namespace Virtlab.Domain.Tests.Xml;

/// <summary>LibvirtDomainXml, split by concern: accepted XML, rejected XML, writing, round trips.</summary>
public sealed partial class LibvirtDomainXmlTests
{
    private const string Uuid = "f8023c16-22b1-4163-a7b5-df2452241fed";

    /// <summary>A minimal valid domain with <paramref name="inner"/> added inside &lt;domain&gt;.</summary>
    private static string Domain(string inner = "", string type = "qemu", string memory = "<memory unit='MiB'>256</memory>") => $"""
        <domain type='{type}'>
          <name>t1</name>
          <uuid>{Uuid}</uuid>
          {memory}
          {inner}
        </domain>
        """;

    private static DomainDefinition ParseValid(string xml)
    {
        var result = LibvirtDomainXml.Parse(xml);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Empty(result.Errors);
        return result.Definition;
    }

    private static IReadOnlyList<ValidationError> ParseErrors(string xml)
    {
        var result = LibvirtDomainXml.Parse(xml);
        Assert.False(result.IsValid);
        Assert.Null(result.Definition);
        Assert.NotEmpty(result.Errors);
        return result.Errors;
    }

    private static ValidationError SingleError(string xml) => Assert.Single(ParseErrors(xml));

    private static ValidationError ErrorAt(string xml, string path)
    {
        var errors = ParseErrors(xml);
        return Assert.Single(errors, e => e.Path == path);
    }
}
