using YamlDotNet.RepresentationModel;

namespace Virtlab.Lab.Scenarios;

/// <summary>Reads the scenario's <c>downtime:</c> section (for <c>virtlab lab downtime</c>).</summary>
internal static class DowntimeReader
{
    public static DowntimeSpec? Read(ScenarioYaml y, YamlNode node, WorldsSpec worlds, TimeSpan? timeout)
    {
        if (y.Map(node, "downtime", ["world", "at", "pause", "migrate"]) is not { } map)
        {
            return null;
        }

        WorldSpec? world = null;
        if (map.Given("world") is { } worldNode && WorldsReader.AxisValues(y, worldNode, "downtime.world") is { } row)
        {
            string Pick(string axis, IReadOnlyList<string> values) =>
                row.TryGetValue(axis, out var v) ? v : values.Count > 0 ? values[0] : WorldAxes.Default(axis);
            world = WorldMatrix.Vm(Pick(WorldAxes.Cpu, worlds.Cpu), Pick(WorldAxes.Vcpus, worlds.Vcpus), Pick(WorldAxes.Memory, worlds.Memory), Pick(WorldAxes.Accel, worlds.Accel));
        }

        var at = map.Given("at") is null ? TimeSpan.FromSeconds(3) : y.Duration(map, "at");
        if (at >= timeout)
        {
            y.Problem(map.Given("at")!, "downtime.at", $"{LabDurations.Format(at.Value)} is not before app.timeout ({LabDurations.Format(timeout!.Value)})");
        }

        TimeSpan? min = TimeSpan.Zero, max = TimeSpan.FromSeconds(8), resolution = TimeSpan.FromMilliseconds(250);
        if (map.Given("pause") is { } pauseNode && y.Map(pauseNode, "downtime.pause", ["min", "max", "resolution"]) is { } pause)
        {
            min = pause.Given("min") is null ? min : y.Duration(pause, "min");
            max = pause.Given("max") is null ? max : y.Duration(pause, "max", positive: true);
            resolution = pause.Given("resolution") is null ? resolution : y.Duration(pause, "resolution", positive: true);
            if (min > max)
            {
                y.Problem(pause.Given("max") ?? pause.Node, "downtime.pause.max", $"max {LabDurations.Format(max!.Value)} is below min {LabDurations.Format(min!.Value)}");
            }
        }

        var limits = new List<TimeSpan>();
        if (map.Given("migrate") is { } migrate)
        {
            foreach (var (item, path) in y.Sequence(migrate, "downtime.migrate") ?? [])
            {
                if (y.Duration(item, path, positive: true) is { } d)
                {
                    limits.Add(d);
                }
            }
        }

        return at is null || min is null || max is null || resolution is null
            ? null
            : new DowntimeSpec(world, at.Value, min.Value, max.Value, resolution.Value, limits);
    }
}
