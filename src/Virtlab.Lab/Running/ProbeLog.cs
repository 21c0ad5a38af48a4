using System.Globalization;
using System.Text.Json;
using Virtlab.Lab.Results;

namespace Virtlab.Lab.Running;

/// <summary>
/// Reads what <c>virtlab-probe run</c> and <c>virtlab-probe sample</c> wrote (docs/LAB.md, "What runs beside the
/// application"). The run file: <c>S MONO REAL PID</c>, <c>O|E MONO REAL text</c>, <c>X MONO REAL exit N|signal N|error text</c>;
/// the sample file: one JSON object per line. Partial last lines (the file is read while it grows) are left for the
/// next read; anything else that does not parse is skipped, never fatal.
/// </summary>
internal static class ProbeLog
{
    /// <summary>One line of the run file, times in the world's own clocks (ms).</summary>
    public sealed record RunLine(char Kind, double Mono, double Real, string Text);

    /// <summary>Parses the complete lines of <paramref name="text"/>; <paramref name="consumed"/> is how many chars they took.</summary>
    public static IReadOnlyList<RunLine> ParseRun(string text, out int consumed)
    {
        var lines = new List<RunLine>();
        consumed = 0;
        var at = 0;
        while (at < text.Length)
        {
            var nl = text.IndexOf('\n', at);
            if (nl < 0)
            {
                break;
            }

            if (ParseRunLine(text.AsSpan(at, nl - at)) is { } line)
            {
                lines.Add(line);
            }

            at = nl + 1;
            consumed = at;
        }

        return lines;
    }

    public static RunLine? ParseRunLine(ReadOnlySpan<char> line)
    {
        if (line.Length < 2 || line[1] != ' ' || "SOEX".IndexOf(line[0]) < 0)
        {
            return null;
        }

        var kind = line[0];
        var rest = line[2..];
        if (!NextNumber(ref rest, out var mono) || !NextNumber(ref rest, out var real))
        {
            return null;
        }

        return new RunLine(kind, mono, real, rest.ToString());
    }

    /// <summary>How an X line ended the application.</summary>
    public static AppExit? Exit(RunLine? x, double t0Mono, bool timedOut)
    {
        if (x is null)
        {
            return null;
        }

        var at = (x.Mono - t0Mono) / 1000;
        var parts = x.Text.Split(' ', 2);
        var n = parts.Length == 2 && int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : (int?)null;
        return parts[0] switch
        {
            "exit" => new AppExit(n, null, timedOut, at),
            "signal" => new AppExit(null, n, timedOut, at),
            _ => new AppExit(127, null, timedOut, at),
        };
    }

    /// <summary>The samples, on the run's axis (seconds from t0 by the world's CLOCK_MONOTONIC).</summary>
    public static IReadOnlyList<ProbeSample> ParseSamples(string text, double t0Mono)
    {
        var samples = new List<ProbeSample>();
        ProbeSample? previous = null;
        foreach (var raw in text.Split('\n'))
        {
            if (raw.Length < 2 || raw[0] != '{')
            {
                continue;
            }

            try
            {
                using var doc = JsonDocument.Parse(raw);
                var r = doc.RootElement;
                var mono = r.GetProperty("mono_ms").GetDouble();
                var real = r.GetProperty("real_ms").GetDouble();
                var gap = previous is null ? 0 : mono - previous.MonotonicMs;
                var step = previous is null ? 0 : (real - previous.RealtimeMs) - gap;
                var s = new ProbeSample(
                    (mono - t0Mono) / 1000,
                    r.GetProperty("nproc").GetInt32(),
                    r.GetProperty("affinity").GetInt32(),
                    r.GetProperty("online_count").GetInt32(),
                    r.GetProperty("online").GetString() ?? string.Empty,
                    r.GetProperty("memtotal_kib").GetInt64(),
                    r.GetProperty("memavailable_kib").GetInt64(),
                    r.GetProperty("clocksource").GetString() ?? string.Empty,
                    mono,
                    real,
                    Math.Round(gap, 3),
                    Math.Round(step, 3),
                    null);
                samples.Add(s);
                previous = s;
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                // A line cut by the end of the run or by a kill: skipped.
            }
        }

        return samples;
    }

    private static bool NextNumber(ref ReadOnlySpan<char> rest, out double value)
    {
        var sp = rest.IndexOf(' ');
        var token = sp < 0 ? rest : rest[..sp];
        rest = sp < 0 ? [] : rest[(sp + 1)..];
        return double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }
}
