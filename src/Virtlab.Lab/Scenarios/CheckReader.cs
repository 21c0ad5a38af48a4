using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Virtlab.Lab.Scenarios;

/// <summary>Reads the scenario's <c>checks:</c> list: each item one kind of check with that kind's options.</summary>
internal static class CheckReader
{
    private static readonly Dictionary<string, string[]> Options = new(StringComparer.Ordinal)
    {
        ["exit"] = [],
        ["present"] = [],
        ["absent"] = [],
        ["metric"] = ["pattern", "min", "max", "equals_probe", "grace"],
        ["heartbeat"] = ["max_gap", "clock"],
        ["tcp_echo"] = ["interval", "max_gap"],
    };

    private static readonly string[] Kinds = [.. Options.Keys];

    private static readonly Dictionary<string, ProbeField> Probes = new(StringComparer.Ordinal)
    {
        ["nproc"] = ProbeField.Nproc,
        ["affinity"] = ProbeField.Affinity,
        ["online"] = ProbeField.Online,
        ["memtotal"] = ProbeField.MemTotal,
        ["memavailable"] = ProbeField.MemAvailable,
    };

    public static IReadOnlyList<CheckSpec> Read(ScenarioYaml y, YamlNode node)
    {
        var checks = new List<CheckSpec>();
        if (y.Sequence(node, "checks") is not { } items)
        {
            return checks;
        }

        if (items.Count == 0)
        {
            y.Problem(node, "checks", $"at least one check is required: {string.Join(", ", Kinds)}");
        }

        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (item, path) in items)
        {
            if (One(y, item, path) is not { } check)
            {
                continue;
            }

            if (names.TryGetValue(check.Name, out var first))
            {
                var at = item is YamlMappingNode m && new YamlMap(m, path).Given("name") is { } n ? n : item;
                y.Problem(at, $"{path}.name", $"'{check.Name}' is already the name of {first}: check names are unique (give one with name:)");
                continue;
            }

            names[check.Name] = path;
            checks.Add(check);
        }

        return checks;
    }

    private static CheckSpec? One(ScenarioYaml y, YamlNode item, string path)
    {
        if (item is not YamlMappingNode mapping)
        {
            y.Problem(item, path, $"expected a check (a mapping with one of {string.Join(", ", Kinds)}), found {ScenarioYaml.Describe(item)}");
            return null;
        }

        var written = new YamlMap(mapping, path).KeyNodes.Where(k => Options.ContainsKey(k.Value!)).ToList();
        if (written.Count == 0)
        {
            y.Map(mapping, path, [.. Options.Values.SelectMany(o => o).Prepend("name").Concat(Kinds).Distinct()]);
            y.Problem(item, path, $"a check needs one kind: {string.Join(", ", Kinds)}");
            return null;
        }

        if (written.Count > 1)
        {
            y.Problem(written[1], $"{path}.{written[1].Value}", $"a check has one kind, this one has {string.Join(" and ", written.Select(k => k.Value))}: write them as separate checks");
            return null;
        }

        var kind = written[0].Value!;
        var map = y.Map(mapping, path, [.. Options[kind].Prepend(kind).Prepend("name")])!;
        var before = y.Problems.Count;
        var name = y.String(map, "name");
        CheckSpec? check = kind switch
        {
            "exit" => Exit(y, map, name),
            "present" or "absent" => Output(y, map, kind, name),
            "metric" => Metric(y, map, name),
            "heartbeat" => Heartbeat(y, map, name),
            _ => TcpEcho(y, map, name),
        };
        return y.Problems.Count == before ? check : null;
    }

    private static ExitCheck? Exit(ScenarioYaml y, YamlMap map, string? name)
    {
        var node = y.Field(map, "exit", required: true);
        var codes = new List<int>();
        if (node is YamlSequenceNode)
        {
            foreach (var (item, path) in y.Sequence(node, map.PathOf("exit")) ?? [])
            {
                if (y.Int(item, path, 0, 255) is { } code)
                {
                    codes.Add(code);
                }
            }

            if (codes.Count == 0)
            {
                y.Problem(node, map.PathOf("exit"), "give at least one exit status");
            }
        }
        else if (node is not null && y.Int(node, map.PathOf("exit"), 0, 255) is { } code)
        {
            codes.Add(code);
        }

        return new ExitCheck(name ?? "exit " + OrList(codes.Select(c => c.ToString(CultureInfo.InvariantCulture))), codes);
    }

    private static OutputCheck? Output(ScenarioYaml y, YamlMap map, string kind, string? name) =>
        y.Regex(map, kind, required: true) is { } pattern
            ? new OutputCheck(name ?? $"{kind}: {pattern}", pattern, kind == "present")
            : null;

    private static MetricCheck? Metric(ScenarioYaml y, YamlMap map, string? name)
    {
        var metric = y.String(map, "metric", required: true);
        var pattern = y.Regex(map, "pattern");
        if (pattern is not null && pattern.GetGroupNumbers().Length < 2)
        {
            y.Problem(map.Given("pattern")!, map.PathOf("pattern"), "the pattern needs one group (...) around the number");
        }

        var min = y.Number(map, "min");
        var max = y.Number(map, "max");
        if (min > max)
        {
            y.Problem(map.Given("max")!, map.PathOf("max"), $"max {max} is below min {min}");
        }

        ProbeField? probe = null;
        if (y.String(map, "equals_probe") is { } p)
        {
            if (Probes.TryGetValue(p, out var field))
            {
                probe = field;
            }
            else
            {
                y.Problem(map.Given("equals_probe")!, map.PathOf("equals_probe"), $"'{p}' is not a probe reading: use {string.Join(", ", Probes.Keys)}");
            }
        }

        var grace = map.Given("grace") is null ? TimeSpan.FromSeconds(2) : y.Duration(map, "grace");
        if (min is null && max is null && !map.Has("equals_probe"))
        {
            y.Problem(ScenarioYaml.At(map, "metric"), map.PathOf("metric"), "a metric check needs min, max or equals_probe");
        }

        if (metric is null || grace is null)
        {
            return null;
        }

        pattern ??= new Regex($@"(?:^|\s){Regex.Escape(metric)}=(-?[0-9.]+)", RegexOptions.CultureInvariant);
        var bounds = new List<string>();
        if (probe is not null)
        {
            bounds.Add($"= {y.String(map, "equals_probe")}");
        }

        if (min is { } lo)
        {
            bounds.Add($"≥ {lo.ToString(CultureInfo.InvariantCulture)}");
        }

        if (max is { } hi)
        {
            bounds.Add($"≤ {hi.ToString(CultureInfo.InvariantCulture)}");
        }

        return new MetricCheck(name ?? $"metric {metric} {string.Join(", ", bounds)}", metric, pattern, min, max, probe, grace.Value);
    }

    private static HeartbeatCheck? Heartbeat(ScenarioYaml y, YamlMap map, string? name)
    {
        var pattern = y.Regex(map, "heartbeat", required: true);
        var maxGap = y.Duration(map, "max_gap", required: true, positive: true);
        var clock = StampClock.Monotonic;
        if (y.String(map, "clock") is { } c)
        {
            if (c == "realtime")
            {
                clock = StampClock.Realtime;
            }
            else if (c != "monotonic")
            {
                y.Problem(map.Given("clock")!, map.PathOf("clock"), $"'{c}' is not a clock: use monotonic or realtime");
            }
        }

        return pattern is null || maxGap is null
            ? null
            : new HeartbeatCheck(name ?? $"heartbeat {pattern} ≤ {Text(map, "max_gap")}", pattern, maxGap.Value, clock);
    }

    private static TcpEchoCheck? TcpEcho(ScenarioYaml y, YamlMap map, string? name)
    {
        var port = y.Int(map, "tcp_echo", 1, 65535, required: true);
        var interval = map.Given("interval") is null ? TimeSpan.FromMilliseconds(20) : y.Duration(map, "interval", positive: true);
        var maxGap = y.Duration(map, "max_gap", required: true, positive: true);
        return port is null || interval is null || maxGap is null
            ? null
            : new TcpEchoCheck(name ?? $"tcp_echo {port}", port.Value, interval.Value, maxGap.Value);
    }

    private static string Text(YamlMap map, string key) => (map.Given(key) as YamlScalarNode)?.Value?.Trim() ?? string.Empty;

    /// <summary>"0", "0 or 1", "0, 1 or 2".</summary>
    private static string OrList(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count <= 1 ? string.Join(string.Empty, list) : $"{string.Join(", ", list[..^1])} or {list[^1]}";
    }
}
