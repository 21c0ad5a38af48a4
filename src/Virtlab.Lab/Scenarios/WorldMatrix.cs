namespace Virtlab.Lab.Scenarios;

/// <summary>
/// Expands <see cref="WorldsSpec"/> into its worlds: the host first (when asked for), then the cross product
/// cpu × vcpus × memory × accel in that order, without the cells an <c>exclude</c> row matches, then the
/// <c>include</c> rows (an axis a row leaves out takes that axis's first value; a row equal to a cell already there
/// adds nothing).
/// </summary>
public static class WorldMatrix
{
    /// <summary>The host world: this machine.</summary>
    public static WorldSpec HostWorld { get; } = new("host", "host (this machine)", WorldKind.Host, null, null, null, null);

    /// <summary>The worlds, in order; throws <see cref="ArgumentException"/> when two of them get the same id.</summary>
    public static IReadOnlyList<WorldSpec> Expand(WorldsSpec w)
    {
        var worlds = Cells(w).Select(c => c.World).ToList();
        var duplicate = worlds.GroupBy(x => x.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"two worlds have the id '{duplicate.Key}'", nameof(w));
        }

        return worlds;
    }

    /// <summary>One VM world from its four values (the same id and label rules as the matrix's).</summary>
    public static WorldSpec Vm(string cpu, string vcpus, string memory, string accel) =>
        new(WorldAxes.Id(cpu, vcpus, memory, accel), WorldAxes.Label(cpu, vcpus, memory, accel), WorldKind.Vm, cpu, vcpus, memory, accel);

    /// <summary>
    /// The worlds with where each came from: <c>-1</c> for the host and the cross product, else the index of the
    /// include row (duplicated ids are left in, for the reader to report).
    /// </summary>
    internal static IReadOnlyList<(WorldSpec World, int IncludeRow)> Cells(WorldsSpec w)
    {
        var cells = new List<(WorldSpec World, int IncludeRow)>();
        if (w.Host)
        {
            cells.Add((HostWorld, -1));
        }

        foreach (var cpu in w.Cpu)
        {
            foreach (var vcpus in w.Vcpus)
            {
                foreach (var memory in w.Memory)
                {
                    foreach (var accel in w.Accel)
                    {
                        var world = Vm(cpu, vcpus, memory, accel);
                        if (!w.Exclude.Any(row => Matches(row, world)))
                        {
                            cells.Add((world, -1));
                        }
                    }
                }
            }
        }

        for (var i = 0; i < w.Include.Count; i++)
        {
            var row = w.Include[i];
            var world = Vm(Value(row, WorldAxes.Cpu, w.Cpu), Value(row, WorldAxes.Vcpus, w.Vcpus), Value(row, WorldAxes.Memory, w.Memory), Value(row, WorldAxes.Accel, w.Accel));
            if (!cells.Any(c => c.World.Kind == WorldKind.Vm && SameCell(c.World, world)))
            {
                cells.Add((world, i));
            }
        }

        return cells;
    }

    /// <summary>Whether every key of <paramref name="row"/> equals the world's value on that axis (case-insensitive).</summary>
    public static bool Matches(IReadOnlyDictionary<string, string> row, WorldSpec world) =>
        row.All(kv => string.Equals(kv.Value.Trim(), AxisValue(world, kv.Key), StringComparison.OrdinalIgnoreCase));

    private static string? AxisValue(WorldSpec world, string axis) => axis.ToLowerInvariant() switch
    {
        WorldAxes.Cpu => world.Cpu,
        WorldAxes.Vcpus => world.Vcpus,
        WorldAxes.Memory => world.Memory,
        WorldAxes.Accel => world.Accel,
        _ => null,
    };

    private static bool SameCell(WorldSpec a, WorldSpec b) =>
        WorldAxes.All.All(axis => string.Equals(AxisValue(a, axis), AxisValue(b, axis), StringComparison.OrdinalIgnoreCase));

    private static string Value(IReadOnlyDictionary<string, string> row, string axis, IReadOnlyList<string> values) =>
        row.TryGetValue(axis, out var v) ? v : values.Count > 0 ? values[0] : WorldAxes.Default(axis);
}
