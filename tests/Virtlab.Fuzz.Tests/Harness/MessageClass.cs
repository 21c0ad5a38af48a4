using System.Text.RegularExpressions;

namespace Virtlab.Fuzz.Tests.Harness;

/// <summary>Folds a rejection's message into its class: the exception type and the message's start with quoted values,
/// numbers and echoed input replaced, so "'a,b' has ',' at position 2" and "'x y' has a space at position 2" stay apart
/// but two inputs with the same problem count together.</summary>
public static partial class MessageClass
{
    private const int MaxLength = 90;

    public static string Of(Exception e)
    {
        var text = e.Message;
        text = Quoted().Replace(text, "'…'");
        text = DoubleQuoted().Replace(text, "\"…\"");
        text = Braced().Replace(text, "{…}");
        text = Numbers().Replace(text, "N");
        var colon = text.IndexOf(": ", StringComparison.Ordinal);
        if (colon > 12)
        {
            text = text[..colon];
        }

        text = text.ReplaceLineEndings(" ").Replace('|', '/');
        if (text.Length > MaxLength)
        {
            text = string.Concat(text.AsSpan(0, MaxLength), "…");
        }

        return $"{e.GetType().Name}: {text}";
    }

    [GeneratedRegex("'[^']*'")]
    private static partial Regex Quoted();

    [GeneratedRegex("\"[^\"]*\"")]
    private static partial Regex DoubleQuoted();

    [GeneratedRegex(@"\{.*\}")]
    private static partial Regex Braced();

    [GeneratedRegex(@"(U\+)?[0-9A-Fa-f]*[0-9][0-9A-Fa-f]*")]
    private static partial Regex Numbers();
}
