using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Virtlab.Lab.Scenarios;

/// <summary>
/// The lab's durations as a scenario writes them: a number (with an optional fraction) and a unit, <c>ms</c>, <c>s</c>
/// or <c>m</c> (<c>250ms</c>, <c>3s</c>, <c>1.5s</c>, <c>2m</c>); signed (<c>-2s</c>, <c>+500ms</c>) only where a
/// duration is a step (<c>clock_step</c>).
/// </summary>
public static class LabDurations
{
    /// <summary>What a duration looks like, for messages.</summary>
    public const string Form = "a number and a unit: 250ms, 3s, 1.5s or 2m";

    /// <summary>Reads <paramref name="text"/>; a sign is accepted only when <paramref name="signed"/>.</summary>
    public static bool TryParse(string? text, bool signed, out TimeSpan duration) =>
        TryParse(text, signed, out duration, out _);

    /// <summary>Like <see cref="TryParse(string?, bool, out TimeSpan)"/>, and says why not.</summary>
    public static bool TryParse(string? text, bool signed, out TimeSpan duration, [NotNullWhen(false)] out string? error)
    {
        duration = TimeSpan.Zero;
        var s = text?.Trim() ?? string.Empty;
        if (s.Length == 0)
        {
            error = $"an empty value is not a duration: use {Form}";
            return false;
        }

        var negative = false;
        if (s[0] is '-' or '+')
        {
            if (!signed)
            {
                error = $"'{s}' has a sign: only clock_step takes one; use {Form}";
                return false;
            }

            negative = s[0] == '-';
            s = s[1..];
        }

        var digits = 0;
        while (digits < s.Length && (char.IsAsciiDigit(s[digits]) || s[digits] == '.'))
        {
            digits++;
        }

        var number = s[..digits];
        var unit = s[digits..];
        decimal perUnitMs = unit switch
        {
            "ms" => 1m,
            "s" => 1000m,
            "m" => 60_000m,
            _ => 0m,
        };
        if (number.Length == 0 || number[0] == '.' || number[^1] == '.' || number.Count(c => c == '.') > 1
            || !decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            error = $"'{text?.Trim()}' is not a duration: use {Form}";
            return false;
        }

        if (perUnitMs == 0m)
        {
            error = unit.Length == 0
                ? $"'{text?.Trim()}' has no unit: use {Form}"
                : $"'{unit}' is not a unit of time: use {Form}";
            return false;
        }

        var ms = value * perUnitMs;
        if (ms > (decimal)TimeSpan.FromDays(1).TotalMilliseconds)
        {
            error = $"'{text?.Trim()}' is longer than a day";
            return false;
        }

        var ticks = (long)decimal.Round(ms * TimeSpan.TicksPerMillisecond);
        duration = TimeSpan.FromTicks(negative ? -ticks : ticks);
        error = null;
        return true;
    }

    /// <summary>For people: "250 ms", "3 s", "1.5 s", "2 min", "-2 s".</summary>
    public static string Format(TimeSpan duration)
    {
        var sign = duration < TimeSpan.Zero ? "-" : string.Empty;
        var d = duration.Duration();
        if (d < TimeSpan.FromSeconds(1))
        {
            return $"{sign}{d.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)} ms";
        }

        if (d >= TimeSpan.FromMinutes(1) && d.Ticks % TimeSpan.TicksPerMinute == 0)
        {
            return $"{sign}{d.TotalMinutes.ToString("0", CultureInfo.InvariantCulture)} min";
        }

        return $"{sign}{d.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";
    }
}
