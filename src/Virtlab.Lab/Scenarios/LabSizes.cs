using System.Diagnostics.CodeAnalysis;
using Virtlab.Domain.Sizes;

namespace Virtlab.Lab.Scenarios;

/// <summary>
/// Sizes as <c>virtlab create</c> reads them (<c>256M</c>, <c>1G</c>, <c>512MiB</c>, <c>2GiB</c>, <c>1024K</c>; a bare
/// number is MiB). The scenario keeps the text as written; this only validates it and says how large it is.
/// </summary>
public static class LabSizes
{
    /// <summary>Reads <paramref name="text"/> into KiB; zero is not a size here.</summary>
    public static bool TryParse(string? text, out long kib, [NotNullWhen(false)] out string? error) =>
        ByteSize.TryParseKiB(text, SizeUnit.MiB, out kib, out error);

    /// <summary>For people: "256 MiB", "1 GiB".</summary>
    public static string Format(long kib) => ByteSize.Format(kib);
}
