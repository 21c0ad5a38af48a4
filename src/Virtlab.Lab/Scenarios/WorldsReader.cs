using YamlDotNet.RepresentationModel;

namespace Virtlab.Lab.Scenarios;

/// <summary>Reads the scenario's <c>worlds:</c> section: <c>host</c> and the VM matrix, its axes and rows.</summary>
internal static class WorldsReader
{
    private static readonly string[] VmKeys = [.. WorldAxes.All, "exclude", "include"];

    /// <summary>
    /// The matrix with every absent axis at its default; <paramref name="node"/> null when the section is not there. An
    /// empty matrix is a problem only when no value of it was (a bad value leaves its axis short).
    /// </summary>
    public static WorldsSpec Read(ScenarioYaml y, YamlNode? node, YamlNode root)
    {
        var before = y.Problems.Count;
        var map = node is null ? null : y.Map(node, "worlds", ["host", "vm"]);
        var vm = map?.Given("vm") is { } vmNode ? y.Map(vmNode, "worlds.vm", VmKeys) : null;
        var worlds = new WorldsSpec(
            map is null ? false : y.Bool(map, "host") ?? false,
            Axis(y, vm, WorldAxes.Cpu),
            Axis(y, vm, WorldAxes.Vcpus),
            Axis(y, vm, WorldAxes.Memory),
            Axis(y, vm, WorldAxes.Accel),
            Rows(y, vm, "exclude"),
            Rows(y, vm, "include"));

        var cells = WorldMatrix.Cells(worlds);
        var where = (YamlNode?)vm?.Node ?? map?.Node ?? root;
        if (cells.Count == 0 && y.Problems.Count == before)
        {
            y.Problem(where, "worlds.vm", "the matrix is empty (and host is false): no world to run in");
        }

        foreach (var clash in cells.GroupBy(c => c.World.Id, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            var row = clash.Select(c => c.IncludeRow).Max();
            var (at, key) = row >= 0 && vm?.Given("include") is YamlSequenceNode include
                ? ((YamlNode)include.Children[row], $"worlds.vm.include[{row}]")
                : (where, "worlds.vm");
            y.Problem(at, key, $"{clash.Count()} worlds would have the id '{clash.Key}': give each cell different values");
        }

        return worlds;
    }

    private static IReadOnlyList<string> Axis(ScenarioYaml y, YamlMap? vm, string axis)
    {
        if (vm?.Given(axis) is not { } node)
        {
            return [WorldAxes.Default(axis)];
        }

        var values = new List<string>();
        foreach (var (item, path) in y.Sequence(node, vm.PathOf(axis)) ?? [])
        {
            if (Value(y, item, path, axis) is { } value)
            {
                values.Add(value);
            }
        }

        return values;
    }

    /// <summary>An axis value, validated; accelerators in lower case, everything else as written.</summary>
    public static string? Value(ScenarioYaml y, YamlNode node, string path, string axis)
    {
        if (y.String(node, path) is not { } text)
        {
            return null;
        }

        text = text.Trim();
        if (!WorldAxes.TryValidate(axis, text, out var error))
        {
            y.Problem(node, path, error);
            return null;
        }

        return axis == WorldAxes.Accel ? text.ToLowerInvariant() : text;
    }

    /// <summary>The values a mapping gives for the axes; any other key is a problem ("not an axis").</summary>
    public static Dictionary<string, string>? AxisValues(ScenarioYaml y, YamlNode node, string path)
    {
        if (y.Map(node, path, WorldAxes.All, $"not an axis: the axes are {string.Join(", ", WorldAxes.All)}") is not { } map)
        {
            return null;
        }

        var row = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var axis in WorldAxes.All)
        {
            if (map.Has(axis) && Value(y, map.Value(axis)!, map.PathOf(axis), axis) is { } value)
            {
                row[axis] = value;
            }
        }

        return row;
    }

    private static IReadOnlyList<IReadOnlyDictionary<string, string>> Rows(ScenarioYaml y, YamlMap? vm, string key)
    {
        var rows = new List<IReadOnlyDictionary<string, string>>();
        if (vm?.Given(key) is not { } node)
        {
            return rows;
        }

        foreach (var (item, path) in y.Sequence(node, vm.PathOf(key)) ?? [])
        {
            if (item is YamlMappingNode { Children.Count: 0 })
            {
                y.Problem(item, path, $"an empty row: name at least one of {string.Join(", ", WorldAxes.All)}");
            }
            else if (AxisValues(y, item, path) is { } row)
            {
                rows.Add(row);
            }
        }

        return rows;
    }
}
