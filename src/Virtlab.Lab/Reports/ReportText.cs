using System.Globalization;
using System.Text;

namespace Virtlab.Lab.Reports;

/// <summary>
/// Text as the reports print it: user data made safe for XML and HTML (control characters shown as their control
/// pictures, lone surrogates replaced, since an application may print anything), and times in one format.
/// </summary>
internal static class ReportText
{
    /// <summary>The string with every character XML 1.0 cannot hold replaced: ESC becomes ␛, a lone surrogate �.</summary>
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        StringBuilder? sb = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            string? replacement = null;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb?.Append(c).Append(text[i + 1]);
                i++;
                continue;
            }

            if (char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF')
            {
                replacement = "\uFFFD";
            }
            else if (c < 0x20 && c is not ('\t' or '\n' or '\r'))
            {
                replacement = ((char)(0x2400 + c)).ToString();
            }
            else if (c == 0x7F)
            {
                replacement = "\u2421";
            }

            if (replacement is null)
            {
                sb?.Append(c);
                continue;
            }

            sb ??= new StringBuilder(text, 0, i, text.Length + 8);
            sb.Append(replacement);
        }

        return sb?.ToString() ?? text;
    }

    /// <summary>A point on a world's time axis: "12.3 s".</summary>
    public static string Seconds(double seconds) => string.Create(CultureInfo.InvariantCulture, $"{seconds:0.0##} s");

    /// <summary>A span: "850 ms", "24.5 s", "1 min 36 s".</summary>
    public static string Duration(double seconds) => seconds switch
    {
        < 1 => string.Create(CultureInfo.InvariantCulture, $"{seconds * 1000:0} ms"),
        < 60 => string.Create(CultureInfo.InvariantCulture, $"{seconds:0.0} s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{(int)(seconds / 60)} min {seconds % 60:0} s"),
    };

    /// <summary>A moment in UTC: "2026-12-05 14:30:00 UTC".</summary>
    public static string Moment(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>A size in KiB as the reader thinks of it: "24 GiB", "196 MiB".</summary>
    public static string KiB(long kib) => kib >= 1L << 20
        ? string.Create(CultureInfo.InvariantCulture, $"{kib / (double)(1L << 20):0.#} GiB")
        : string.Create(CultureInfo.InvariantCulture, $"{kib / 1024.0:0} MiB");

    /// <summary>Text cut to a length with an ellipsis (for matrix cells; the full text goes into a title).</summary>
    public static string Shorten(string text, int length) => text.Length <= length ? text : string.Concat(text.AsSpan(0, length - 1), "…");
}
