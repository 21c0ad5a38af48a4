using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Virtlab.Domain.Defaults;
using Virtlab.Domain.Definitions;
using Virtlab.Domain.Validation;

namespace Virtlab.Domain.Xml;

/// <summary>
/// Reads and writes the subset of libvirt's domain XML that Virtlab runs. Anything outside the
/// subset is reported at its path, never dropped. See this project's README.md for the subset.
/// </summary>
/// <remarks>
/// <para>Accelerator: <c>&lt;domain type='kvm'&gt;</c> is <see cref="AccelMode.Kvm"/> and
/// <c>type='qemu'</c> is <see cref="AccelMode.Tcg"/>, as in libvirt. <see cref="AccelMode.Auto"/>
/// (KVM when it really works on the host, else TCG) has no libvirt spelling, so it lives in
/// libvirt's place for applications' data, <c>&lt;metadata&gt;</c>, in one element of Virtlab's
/// namespace (libvirt allows one per namespace):
/// <c>&lt;metadata&gt;&lt;virtlab:domain xmlns:virtlab='https://virtlab.dev/xmlns/domain/1'&gt;&lt;virtlab:accel&gt;auto&lt;/virtlab:accel&gt;&lt;/virtlab:domain&gt;&lt;/metadata&gt;</c>.
/// It overrides <c>type</c>, which is then written as <c>kvm</c>. The same element holds
/// <c>&lt;virtlab:image&gt;</c> (<see cref="OsDefinition.Image"/>).</para>
/// <para>Parse applies <see cref="DomainDefaults"/> (as <c>virsh define</c> does: a missing
/// <c>&lt;uuid&gt;</c> gets a random one) and then <see cref="DomainValidator"/>, whose errors are
/// reported at XML paths.</para>
/// </remarks>
public static class LibvirtDomainXml
{
    /// <summary>The namespace of Virtlab's own settings inside <c>&lt;metadata&gt;</c>.</summary>
    public const string VirtlabNamespace = "https://virtlab.dev/xmlns/domain/1";

    /// <summary>The virtio-serial port name of the QEMU guest agent.</summary>
    public const string GuestAgentChannel = "org.qemu.guest_agent.0";

    /// <summary>Documents larger than this are refused (a domain XML is a few KB).</summary>
    public const int MaxCharacters = 1_000_000;

    internal static readonly XNamespace VirtlabNs = VirtlabNamespace;
    internal static readonly XName VirtlabElement = VirtlabNs + "domain";

    /// <summary>Documents nested deeper than this are refused (libvirt's own go about 5 levels deep). XDocument takes
    /// time quadratic in the depth: 100,000 levels took 27 s before this limit (found by the fuzz tests).</summary>
    public const int MaxDepth = 32;

    /// <summary>Documents with more elements than this are refused (a domain XML has a few dozen).</summary>
    public const int MaxElements = 10_000;

    /// <summary>Elements with more attributes than this are refused (libvirt's have at most a handful).</summary>
    public const int MaxAttributes = 64;

    /// <summary>
    /// Reads a domain. On success the result has a defaulted, valid definition and no errors; else
    /// no definition and every problem at its XML path (malformed XML: one error with line and column).
    /// </summary>
    public static LibvirtParseResult Parse(string xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        XDocument document;
        try
        {
            if (Shape(xml) is { } shapeError)
            {
                return new LibvirtParseResult(null, [new ValidationError("/", shapeError)]);
            }

            document = Load(xml);
        }
        catch (XmlException e)
        {
            return new LibvirtParseResult(null, [new ValidationError("/", NotWellFormed(e))]);
        }

        var reader = new LibvirtXmlReader();
        var read = reader.Read(document);
        var errors = reader.Errors.ToList();
        if (read is null)
        {
            return new LibvirtParseResult(null, errors);
        }

        var definition = DomainDefaults.Apply(read);
        var reported = errors.Select(e => e.Path).ToList();
        foreach (var error in DomainValidator.Validate(definition))
        {
            if (errors.Count >= LibvirtXmlReader.MaxErrors)
            {
                // Each problem is checked against those listed: 10,000 repeated CPU features took 2.4 GB and 3 s unbounded.
                errors.Add(LibvirtXmlReader.TooManyErrors);
                break;
            }

            if (reader.UnreadPaths.Any(unread => IsAtOrUnder(error.Path, unread)))
            {
                continue;
            }

            var path = LibvirtXmlPaths.ToXmlPath(error.Path, definition.Cpu.Features.Count, reader.SourcePaths);
            if (!reported.Any(r => path == r || path.StartsWith(r + "/", StringComparison.Ordinal)))
            {
                errors.Add(error with { Path = path });
            }
        }

        return errors.Count == 0 ? new LibvirtParseResult(definition, []) : new LibvirtParseResult(null, errors);
    }

    /// <summary>
    /// Writes a definition as libvirt prints it (two-space indent, libvirt's element order). The
    /// definition is not validated; a value XML cannot hold (a NUL character) throws
    /// <see cref="ArgumentException"/>.
    /// </summary>
    public static string Write(DomainDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return LibvirtXmlWriter.Write(definition);
    }

    private static bool IsAtOrUnder(string path, string ancestor) =>
        path == ancestor ||
        (path.StartsWith(ancestor, StringComparison.Ordinal) && path[ancestor.Length] is '.' or '[');

    /// <summary>One streaming pass (linear time) that refuses a document too deep or too big before XDocument loads it.</summary>
    /// <exception cref="XmlException">The document is not well-formed.</exception>
    private static string? Shape(string xml)
    {
        using var text = new StringReader(xml);
        using var reader = XmlReader.Create(text, Settings());
        var elements = 0;
        while (reader.Read())
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            if (reader.Depth >= MaxDepth)
            {
                return string.Create(CultureInfo.InvariantCulture, $"the XML nests elements more than {MaxDepth} deep (at line {((IXmlLineInfo)reader).LineNumber}): a domain XML is a few levels deep");
            }

            if (reader.AttributeCount > MaxAttributes)
            {
                return string.Create(CultureInfo.InvariantCulture, $"<{reader.Name}> has more than {MaxAttributes} attributes (at line {((IXmlLineInfo)reader).LineNumber}): libvirt's elements have a few");
            }

            if (++elements > MaxElements)
            {
                return string.Create(CultureInfo.InvariantCulture, $"the XML has more than {MaxElements} elements: a domain XML has a few dozen");
            }
        }

        return null;
    }

    private static XDocument Load(string xml)
    {
        using var text = new StringReader(xml);
        using var reader = XmlReader.Create(text, Settings());
        return XDocument.Load(reader, LoadOptions.PreserveWhitespace | LoadOptions.SetLineInfo);
    }

    private static XmlReaderSettings Settings() =>
        new()
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = MaxCharacters,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
        };

    private static string NotWellFormed(XmlException e)
    {
        var message = e.Message;
        var at = message.LastIndexOf(" Line ", StringComparison.Ordinal);
        if (at > 0)
        {
            message = message[..at];
        }

        return e.LineNumber > 0
            ? $"the XML is not well-formed at line {e.LineNumber}, column {e.LinePosition}: {message}"
            : $"the XML is not well-formed: {message}";
    }
}
