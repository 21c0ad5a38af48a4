using System.Text;
using System.Xml;

namespace Virtlab.Domain.Xml;

/// <summary>
/// Writes XML the way libvirt prints it: two-space indent, single-quoted attributes, <c>&lt;x/&gt;</c>
/// for empty elements. Values are escaped; characters XML 1.0 cannot hold are refused.
/// </summary>
internal sealed class XmlTextBuilder
{
    private readonly StringBuilder _text = new();
    private readonly Stack<string> _open = new();

    public void Open(string name, params ReadOnlySpan<(string Name, string? Value)> attributes)
    {
        StartTag(name, attributes);
        _text.Append(">\n");
        _open.Push(name);
    }

    public void Close()
    {
        var name = _open.Pop();
        Indent();
        _text.Append("</").Append(name).Append(">\n");
    }

    public void Empty(string name, params ReadOnlySpan<(string Name, string? Value)> attributes)
    {
        StartTag(name, attributes);
        _text.Append("/>\n");
    }

    public void Leaf(string name, string text, params ReadOnlySpan<(string Name, string? Value)> attributes)
    {
        StartTag(name, attributes);
        _text.Append('>');
        Escape(text, inAttribute: false);
        _text.Append("</").Append(name).Append(">\n");
    }

    public override string ToString() =>
        _open.Count == 0 ? _text.ToString() : throw new InvalidOperationException($"<{_open.Peek()}> is still open");

    private void StartTag(string name, ReadOnlySpan<(string Name, string? Value)> attributes)
    {
        Indent();
        _text.Append('<').Append(name);
        foreach (var (attribute, value) in attributes)
        {
            if (value is null)
            {
                continue;
            }

            _text.Append(' ').Append(attribute).Append("='");
            Escape(value, inAttribute: true);
            _text.Append('\'');
        }
    }

    private void Indent() => _text.Append(' ', _open.Count * 2);

    private void Escape(string value, bool inAttribute)
    {
        try
        {
            XmlConvert.VerifyXmlChars(value);
        }
        catch (XmlException e)
        {
            throw new ArgumentException($"'{value}' cannot be written to XML: {e.Message}", nameof(value), e);
        }

        foreach (var c in value)
        {
            _ = c switch
            {
                '&' => _text.Append("&amp;"),
                '<' => _text.Append("&lt;"),
                '>' => _text.Append("&gt;"),
                '\r' => _text.Append("&#13;"),
                '\'' when inAttribute => _text.Append("&apos;"),
                '\n' when inAttribute => _text.Append("&#10;"),
                '\t' when inAttribute => _text.Append("&#9;"),
                _ => _text.Append(c),
            };
        }
    }
}
