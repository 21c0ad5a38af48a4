using System.Globalization;
using System.Xml.Linq;
using Virtlab.Domain.Validation;

namespace Virtlab.Domain.Xml;

/// <summary>
/// Reads libvirt domain XML into a <see cref="DomainDefinitionBuilder"/>, reporting everything
/// outside Virtlab's subset at its path. One instance per document. Split by concern:
/// <c>.Domain.cs</c> (top level, metadata, memory, vCPUs), <c>.Cpu.cs</c> (cpu, os, features,
/// clock), <c>.Devices.cs</c>, <c>.Interface.cs</c>.
/// </summary>
internal sealed partial class LibvirtXmlReader
{
    private readonly List<ValidationError> _errors = [];
    private readonly DomainDefinitionBuilder _builder = new();
    private bool _pendingAutoAccel;

    public IReadOnlyList<ValidationError> Errors => _errors;

    /// <summary>Where values came from, when not where <see cref="LibvirtXmlPaths"/> expects them.</summary>
    public Dictionary<string, string> SourcePaths { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Validator paths (and everything under them) whose values could not be read: an error is
    /// already reported, and the validator's opinion of the stand-in value would only add noise.
    /// </summary>
    public HashSet<string> UnreadPaths { get; } = new(StringComparer.Ordinal);

    /// <summary>The most problems listed; a path costs time linear in the element's siblings, so 10,000 unknown
    /// siblings took 420 s with every one listed (found by the fuzz tests).</summary>
    public const int MaxErrors = 50;

    /// <summary>The last problem listed when there are more than <see cref="MaxErrors"/>.</summary>
    public static readonly ValidationError TooManyErrors = new("/", $"more than {MaxErrors} problems: the rest are not listed; fix these first");

    private void Error(string path, string message)
    {
        if (_errors.Count < MaxErrors)
        {
            _errors.Add(new(path, message));
        }
        else if (_errors.Count == MaxErrors)
        {
            _errors.Add(TooManyErrors);
        }
    }

    private void Error(XElement element, string message) => Error(_errors.Count < MaxErrors ? PathOf(element) : "/", message);

    private void Error(XAttribute attribute, string message) => Error(_errors.Count < MaxErrors ? PathOf(attribute) : "/", message);

    /// <summary>An XPath-like path: <c>/domain/devices/disk</c>, with [n] (1-based) among same-named siblings.</summary>
    internal static string PathOf(XElement element)
    {
        var parts = new Stack<string>();
        for (var current = element; current is not null; current = current.Parent)
        {
            var name = DisplayName(current);
            if (current.Parent is { } parent)
            {
                // Counts only up to the element (and one more): no list, so a path costs what comes before it.
                int count = 0, position = 0;
                foreach (var sibling in parent.Elements(current.Name))
                {
                    count++;
                    position = sibling == current ? count : position;
                    if (position > 0 && count > 1)
                    {
                        break;
                    }
                }

                if (count > 1)
                {
                    name += string.Create(CultureInfo.InvariantCulture, $"[{position}]");
                }
            }

            parts.Push(name);
        }

        return "/" + string.Join('/', parts);
    }

    internal static string PathOf(XAttribute attribute) =>
        PathOf(attribute.Parent!) + "/@" + DisplayName(attribute);

    private static string DisplayName(XElement element) =>
        Qualified(element, element.Name);

    private static string DisplayName(XAttribute attribute) =>
        attribute.Parent is { } parent ? Qualified(parent, attribute.Name) : attribute.Name.LocalName;

    private static string Qualified(XElement scope, XName name)
    {
        if (name.Namespace == XNamespace.None)
        {
            return name.LocalName;
        }

        var prefix = scope.GetPrefixOfNamespace(name.Namespace);
        return prefix is null ? $"{{{name.NamespaceName}}}{name.LocalName}" : $"{prefix}:{name.LocalName}";
    }

    /// <summary>The element's name when it is in no namespace (libvirt's own elements); null otherwise.</summary>
    private static string? LocalName(XElement element) =>
        element.Name.Namespace == XNamespace.None ? element.Name.LocalName : null;

    /// <summary>Reports every attribute not in <paramref name="allowed"/> (namespace declarations are fine).</summary>
    private void AllowAttributes(XElement element, params ReadOnlySpan<string> allowed)
    {
        foreach (var attribute in element.Attributes())
        {
            if (attribute.IsNamespaceDeclaration)
            {
                continue;
            }

            var known = false;
            if (attribute.Name.Namespace == XNamespace.None)
            {
                foreach (var name in allowed)
                {
                    known |= name == attribute.Name.LocalName;
                }
            }

            if (!known)
            {
                var hint = UnsupportedHints.ForAttribute(attribute.Name.LocalName);
                Error(attribute, $"attribute '{DisplayName(attribute)}' of <{DisplayName(element)}> is not supported by Virtlab: remove it{hint}");
            }
        }
    }

    private void Unsupported(XElement element)
    {
        var name = DisplayName(element);
        var hint = element.Name.Namespace == XNamespace.None
            ? UnsupportedHints.ForElement(element.Name.LocalName)
            : UnsupportedHints.ForeignNamespace;
        Error(element, $"<{name}> is not supported by Virtlab: remove it{hint}");
    }

    /// <summary>False (and an error) when <paramref name="element"/> is the second of its name where one is allowed.</summary>
    private bool FirstOfItsName(XElement element, HashSet<string> seen, string? why = null)
    {
        if (seen.Add(element.Name.LocalName))
        {
            return true;
        }

        Error(element, $"<{DisplayName(element)}> appears more than once: keep one{why}");
        return false;
    }

    /// <summary>Reports non-blank text directly inside an element that holds only elements or nothing.</summary>
    private void NoText(XElement element)
    {
        if (element.Nodes().OfType<XText>().Any(t => !string.IsNullOrWhiteSpace(t.Value)))
        {
            Error(element, $"<{DisplayName(element)}> takes no text: remove it");
        }
    }

    /// <summary>An element that holds nothing: its attributes are read by the caller.</summary>
    private void Empty(XElement element)
    {
        NoText(element);
        foreach (var child in element.Elements())
        {
            Unsupported(child);
        }
    }

    /// <summary>The text of a leaf element, exactly as written; child elements are reported.</summary>
    private string LeafText(XElement element)
    {
        foreach (var child in element.Elements())
        {
            Unsupported(child);
        }

        return string.Concat(element.Nodes().OfType<XText>().Select(t => t.Value));
    }

    /// <summary>A leaf element without attributes, as <c>&lt;kernel&gt;</c>.</summary>
    private string PlainLeaf(XElement element)
    {
        AllowAttributes(element);
        return LeafText(element);
    }

    private bool TryCount(string path, string? text, string what, int min, out int value)
    {
        var trimmed = text?.Trim() ?? "";
        if (int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min)
        {
            return true;
        }

        Error(path, trimmed.Length == 0
            ? $"{what} is empty: give a whole number"
            : string.Create(CultureInfo.InvariantCulture, $"'{trimmed}' is not {what}: give a whole number of at least {min}"));
        return false;
    }

    /// <summary>Reads an attribute that Virtlab accepts only with the values it really implements.</summary>
    private string? Choice(XElement element, string attribute, string reason, params ReadOnlySpan<string> accepted)
    {
        if (element.Attribute(attribute) is not { } a)
        {
            return null;
        }

        foreach (var value in accepted)
        {
            if (a.Value == value)
            {
                return value;
            }
        }

        var list = string.Join(" or ", accepted.ToArray().Select(v => $"'{v}'"));
        Error(a, $"'{a.Value}' is not supported by Virtlab: use {list}{(reason.Length == 0 ? "" : $" ({reason})")}");
        return null;
    }

    private bool? OnOff(XElement element, string attribute)
    {
        if (element.Attribute(attribute) is not { } a)
        {
            return null;
        }

        switch (a.Value)
        {
            case "on":
                return true;
            case "off":
                return false;
            default:
                Error(a, $"'{a.Value}' is not a switch: use 'on' or 'off'");
                return null;
        }
    }
}
