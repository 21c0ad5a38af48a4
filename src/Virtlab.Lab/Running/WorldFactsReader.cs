using System.Globalization;
using System.Text.Json;
using Virtlab.Lab.Results;

namespace Virtlab.Lab.Running;

/// <summary>A world's facts from its own files: /proc/cpuinfo, /proc/meminfo, the clocksource and <c>virtlab-probe pmu</c>.</summary>
internal static class WorldFactsReader
{
    public const string ClocksourcePath = "/sys/devices/system/clocksource/clocksource0/current_clocksource";

    public static WorldFacts Read(string cpuinfo, string meminfo, string clocksource, string pmuJson, int fallbackCpus)
    {
        string model = "?";
        var flags = new List<string>();
        var processors = 0;
        foreach (var line in cpuinfo.Split('\n'))
        {
            var colon = line.IndexOf(':');
            if (colon < 0)
            {
                continue;
            }

            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            switch (key)
            {
                case "processor":
                    processors++;
                    break;
                case "model name" when model == "?":
                    model = value;
                    break;
                case "flags" when flags.Count == 0:
                    flags.AddRange(value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
                    break;
            }
        }

        long memTotal = 0;
        foreach (var line in meminfo.Split('\n'))
        {
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
            {
                _ = long.TryParse(line[9..].Replace("kB", string.Empty, StringComparison.Ordinal).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out memTotal);
            }
        }

        var (pmu, detail) = Pmu(pmuJson);
        return new WorldFacts(model, flags, clocksource.Trim(), pmu, detail, processors > 0 ? processors : fallbackCpus, memTotal);
    }

    private static (bool Pmu, string? Detail) Pmu(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var r = doc.RootElement;
            var cpuPmu = r.TryGetProperty("cpu_pmu", out var c) && c.ValueKind == JsonValueKind.True;
            string? cycles = null;
            if (r.TryGetProperty("events", out var events))
            {
                foreach (var e in events.EnumerateArray())
                {
                    if (e.GetProperty("name").GetString() == "cycles")
                    {
                        cycles = e.GetProperty("ok").GetBoolean() ? "cycles opens" : $"perf_event_open(cycles): {e.GetProperty("error").GetString()}";
                    }
                }
            }

            var driver = r.TryGetProperty("driver", out var d) ? d.GetString() : null;
            var detail = string.Join("; ", new[] { driver, cycles }.Where(s => !string.IsNullOrEmpty(s)));
            return (cpuPmu && cycles == "cycles opens", detail.Length == 0 ? null : detail);
        }
        catch (JsonException)
        {
            return (false, "the probe's pmu report could not be read");
        }
    }
}
