using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Virtlab.Domain.Sizes;

/// <summary>
/// Parses and formats sizes the way virsh and virt-install users write them. Results are in KiB,
/// the unit of libvirt's XML and of <see cref="Definitions.DomainDefinition"/>.
/// </summary>
/// <remarks>
/// <para>A size is a number, optional spaces, and an optional unit. Units follow libvirt's
/// <c>virScaleInteger</c> and are case-insensitive: <c>B</c>, <c>byte</c>, <c>bytes</c>;
/// <c>K</c>/<c>KiB</c>, <c>M</c>/<c>MiB</c>, <c>G</c>/<c>GiB</c>, <c>T</c>/<c>TiB</c>,
/// <c>P</c>/<c>PiB</c>, <c>E</c>/<c>EiB</c> are powers of 1024; <c>KB</c>, <c>MB</c>, <c>GB</c>,
/// <c>TB</c>, <c>PB</c>, <c>EB</c> are powers of 1000 (so <c>1GB</c> is 976563 KiB, not 1 GiB).</para>
/// <para>A number without a unit is in the caller's default unit (virsh <c>setmem</c>: KiB;
/// virt-install <c>--memory</c>: MiB). Command-line sizes may have a fraction (<c>1.5G</c>); XML
/// sizes are whole numbers, as in libvirt. A size that is not a whole number of KiB is rounded up
/// to the next KiB, as libvirt does.</para>
/// </remarks>
public static class ByteSize
{
    /// <summary>The largest size: its byte count still fits in a signed 64-bit integer (8 EiB).</summary>
    public const long MaxKiB = long.MaxValue / 1024;

    private const string Examples = "use a number with a unit such as 512M, 2G or 1048576K";

    private const string UnitHelp =
        "K, M, G, T are powers of 1024 (KiB, MiB, GiB, TiB); KB, MB, GB, TB are powers of 1000";

    private static readonly (SizeUnit Unit, string Name)[] DisplayUnits =
    [
        (SizeUnit.EiB, "EiB"),
        (SizeUnit.PiB, "PiB"),
        (SizeUnit.TiB, "TiB"),
        (SizeUnit.GiB, "GiB"),
        (SizeUnit.MiB, "MiB"),
        (SizeUnit.KiB, "KiB"),
    ];

    /// <summary>
    /// Parses a command-line size such as <c>256M</c>, <c>1.5GiB</c>, <c>512k</c> or
    /// <c>268435456B</c> into KiB. A bare number is in <paramref name="defaultUnit"/>.
    /// </summary>
    /// <param name="text">What the user typed.</param>
    /// <param name="defaultUnit">The unit of a number without one.</param>
    /// <param name="kib">The size in KiB, rounded up to a whole KiB.</param>
    /// <param name="error">Why <paramref name="text"/> is not a size, and what a size looks like.</param>
    /// <param name="allowZero">Whether <c>0</c> is a valid answer.</param>
    public static bool TryParseKiB(
        string? text,
        SizeUnit defaultUnit,
        out long kib,
        [NotNullWhen(false)] out string? error,
        bool allowZero = false)
    {
        kib = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = $"an empty value is not a size: {Examples}";
            return false;
        }

        var trimmed = text.Trim();
        if (trimmed.StartsWith('-'))
        {
            error = $"'{trimmed}' is not a size: a size cannot be negative";
            return false;
        }

        var numberLength = 0;
        while (numberLength < trimmed.Length && (char.IsAsciiDigit(trimmed[numberLength]) || trimmed[numberLength] == '.'))
        {
            numberLength++;
        }

        var numberText = trimmed[..numberLength];
        var suffix = trimmed[numberLength..].TrimStart();
        if (!IsDecimal(numberText) || !TryParseUnit(suffix, defaultUnit, out var unit))
        {
            error = $"'{trimmed}' is not a size: {Examples} ({UnitHelp})";
            return false;
        }

        if (!decimal.TryParse(numberText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            error = $"'{trimmed}' is too large: a size is less than 8 EiB";
            return false;
        }

        if (unit == SizeUnit.Bytes && decimal.Truncate(number) != number)
        {
            error = $"'{trimmed}' is not a size: a number of bytes is a whole number";
            return false;
        }

        return TryScale(trimmed, number, unit, allowZero, out kib, out error);
    }

    /// <summary>Like <see cref="TryParseKiB"/>, but throws <see cref="FormatException"/> with the same message.</summary>
    public static long ParseKiB(string text, SizeUnit defaultUnit, bool allowZero = false) =>
        TryParseKiB(text, defaultUnit, out var kib, out var error, allowZero) ? kib : throw new FormatException(error);

    /// <summary>
    /// Parses a size from libvirt's XML: a whole number (the element's text) and its <c>unit</c>
    /// attribute (<c>b</c>, <c>bytes</c>, <c>k</c>, <c>KiB</c>, <c>KB</c>, <c>M</c>, <c>MiB</c>,
    /// <c>MB</c>, <c>G</c>, <c>GiB</c>, <c>GB</c>, ...; KiB when absent). Zero is a size here: the
    /// validator decides whether it is enough.
    /// </summary>
    public static bool TryParseLibvirtKiB(
        string? value,
        string? unit,
        out long kib,
        [NotNullWhen(false)] out string? error)
    {
        kib = 0;
        var text = value?.Trim() ?? "";
        if (text.Length == 0 || !text.All(char.IsAsciiDigit))
        {
            error = text.Length == 0
                ? "an empty value is not a size: write a whole number, e.g. <memory unit='MiB'>256</memory>"
                : $"'{text}' is not a size: write a whole number and put the unit in the unit attribute, e.g. <memory unit='MiB'>256</memory>";
            return false;
        }

        if (!TryParseUnit(unit ?? "", SizeUnit.KiB, out var sizeUnit) || (unit is not null && unit.Trim().Length == 0))
        {
            error = $"'{unit}' is not a unit: use b, KiB, MiB, GiB or TiB (or k, M, G, T; KB, MB, GB, TB are powers of 1000)";
            return false;
        }

        if (!decimal.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            error = $"'{text}' is too large: a size is less than 8 EiB";
            return false;
        }

        return TryScale(unit is null ? text : $"{text} {unit}", number, sizeUnit, allowZero: true, out kib, out error);
    }

    /// <summary>
    /// Formats a size for people: the largest binary unit that shows it exactly with at most two
    /// decimals ("256 MiB", "1.5 GiB", "1000 KiB"). <see cref="TryParseKiB"/> reads it back.
    /// </summary>
    public static string Format(long kib)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(kib);
        foreach (var (unit, name) in DisplayUnits)
        {
            var perUnit = BytesPer(unit) / 1024;
            if (kib < perUnit)
            {
                continue;
            }

            var value = (decimal)kib / perUnit;
            if (decimal.Round(value, 2) == value)
            {
                return $"{value.ToString("0.##", CultureInfo.InvariantCulture)} {name}";
            }
        }

        return $"{kib.ToString(CultureInfo.InvariantCulture)} KiB";
    }

    /// <summary>How many bytes one <paramref name="unit"/> is.</summary>
    public static long BytesPer(SizeUnit unit) => unit switch
    {
        SizeUnit.Bytes => 1,
        SizeUnit.KiB => 1L << 10,
        SizeUnit.MiB => 1L << 20,
        SizeUnit.GiB => 1L << 30,
        SizeUnit.TiB => 1L << 40,
        SizeUnit.PiB => 1L << 50,
        SizeUnit.EiB => 1L << 60,
        SizeUnit.KB => 1_000,
        SizeUnit.MB => 1_000_000,
        SizeUnit.GB => 1_000_000_000,
        SizeUnit.TB => 1_000_000_000_000,
        SizeUnit.PB => 1_000_000_000_000_000,
        SizeUnit.EB => 1_000_000_000_000_000_000,
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, "not a size unit"),
    };

    /// <summary>
    /// Reads a unit suffix with libvirt's rules (case-insensitive; X or XiB = 1024-based,
    /// XB = 1000-based; b, byte, bytes). An empty suffix is <paramref name="defaultUnit"/>.
    /// </summary>
    public static bool TryParseUnit(string suffix, SizeUnit defaultUnit, out SizeUnit unit)
    {
        unit = defaultUnit;
        var s = suffix.Trim();
        if (s.Length == 0)
        {
            return true;
        }

        if (s.Equals("b", StringComparison.OrdinalIgnoreCase) ||
            s.Equals("byte", StringComparison.OrdinalIgnoreCase) ||
            s.Equals("bytes", StringComparison.OrdinalIgnoreCase))
        {
            unit = SizeUnit.Bytes;
            return true;
        }

        bool binary;
        if (s.Length == 1 || s[1..].Equals("iB", StringComparison.OrdinalIgnoreCase))
        {
            binary = true;
        }
        else if (s.Length == 2 && char.ToLowerInvariant(s[1]) == 'b')
        {
            binary = false;
        }
        else
        {
            return false;
        }

        (SizeUnit Binary, SizeUnit Decimal)? pair = char.ToLowerInvariant(s[0]) switch
        {
            'k' => (SizeUnit.KiB, SizeUnit.KB),
            'm' => (SizeUnit.MiB, SizeUnit.MB),
            'g' => (SizeUnit.GiB, SizeUnit.GB),
            't' => (SizeUnit.TiB, SizeUnit.TB),
            'p' => (SizeUnit.PiB, SizeUnit.PB),
            'e' => (SizeUnit.EiB, SizeUnit.EB),
            _ => null,
        };
        if (pair is not { } units)
        {
            return false;
        }

        unit = binary ? units.Binary : units.Decimal;
        return true;
    }

    private static bool IsDecimal(string number)
    {
        var dot = number.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            return number.Length > 0;
        }

        return dot > 0 && dot < number.Length - 1 && number.IndexOf('.', dot + 1) < 0;
    }

    private static bool TryScale(
        string shown,
        decimal number,
        SizeUnit unit,
        bool allowZero,
        out long kib,
        [NotNullWhen(false)] out string? error)
    {
        kib = 0;
        var bytesPerUnit = BytesPer(unit);
        if (number > MaxKiB * 1024m / bytesPerUnit)
        {
            error = $"'{shown}' is too large: a size is less than 8 EiB";
            return false;
        }

        var exactKiB = number * bytesPerUnit / 1024m;
        var rounded = decimal.Ceiling(exactKiB);
        if (rounded == 0 && !allowZero)
        {
            error = $"'{shown}' is not a size here: it must be larger than zero";
            return false;
        }

        kib = (long)rounded;
        error = null;
        return true;
    }
}
