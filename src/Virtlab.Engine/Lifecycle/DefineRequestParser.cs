using Virtlab.Api;
using Virtlab.Domain.Definitions;
using Virtlab.Domain.Xml;

namespace Virtlab.Engine.Lifecycle;

/// <summary>Turns a <c>define</c> request (libvirt domain XML) into a definition, or throws a <see cref="VirtlabException"/>
/// listing every problem at its XML path.</summary>
public static class DefineRequestParser
{
    public static DomainDefinition Parse(DefineRequest req)
    {
        // A body without "xml" binds to null (JSON knows no non-nullable strings): the same 400 as any bad XML.
        if (string.IsNullOrWhiteSpace(req.Xml))
        {
            throw new VirtlabException(ErrorKind.InvalidInput, "define: the request has no domain XML: give {\"xml\": \"<domain ...>...</domain>\"}");
        }

        var parsed = LibvirtDomainXml.Parse(req.Xml);
        if (parsed.Errors.Count > 0 || parsed.Definition is null)
        {
            throw new VirtlabException(parsed.Errors);
        }

        return parsed.Definition;
    }
}
