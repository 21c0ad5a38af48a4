using YamlDotNet.RepresentationModel;

namespace Virtlab.Lab.Scenarios;

/// <summary>Reads the scenario's <c>events:</c> list: each item a time (<c>at</c>) or a pattern (<c>on</c>, <c>delay</c>) and one action.</summary>
internal static class EventReader
{
    private static readonly string[] Actions = ["setvcpus", "setmem", "autoballoon", "suspend", "clock_step", "domtime_sync", "migrate"];

    private static readonly string[] Keys = ["at", "on", "delay", .. Actions];

    /// <param name="timeout">app.timeout when valid: an event must come before it.</param>
    /// <param name="hosts">The scenario's hosts when valid: a migration needs 2.</param>
    public static IReadOnlyList<EventSpec> Read(ScenarioYaml y, YamlNode node, TimeSpan? timeout, int? hosts)
    {
        var events = new List<EventSpec>();
        foreach (var (item, path) in y.Sequence(node, "events") ?? [])
        {
            if (One(y, item, path, timeout, hosts) is { } e)
            {
                events.Add(e);
            }
        }

        return events;
    }

    private static EventSpec? One(ScenarioYaml y, YamlNode item, string path, TimeSpan? timeout, int? hosts)
    {
        if (y.Map(item, path, Keys) is not { } map)
        {
            return null;
        }

        var before = y.Problems.Count;
        var at = y.Duration(map, "at");
        var on = y.Regex(map, "on");
        var delay = y.Duration(map, "delay") ?? TimeSpan.Zero;
        if (!map.Has("at") && !map.Has("on"))
        {
            y.Problem(item, path, "an event needs at: (a time after the start) or on: (an output pattern)");
        }
        else if (map.Has("at") && map.Has("on"))
        {
            y.Problem(map.KeyNode("on")!, $"{path}.on", "an event has at: or on:, not both");
        }

        if (map.Has("delay") && !map.Has("on"))
        {
            y.Problem(map.KeyNode("delay")!, $"{path}.delay", "delay goes with on: (the time after the matching line); with at: put the time in at:");
        }

        if (timeout is { } t)
        {
            if (at >= t)
            {
                y.Problem(map.Given("at")!, $"{path}.at", $"{LabDurations.Format(at.Value)} is not before app.timeout ({LabDurations.Format(t)}): the application is killed by then");
            }
            else if (map.Has("on") && delay >= t)
            {
                y.Problem(map.Given("delay")!, $"{path}.delay", $"{LabDurations.Format(delay)} is not shorter than app.timeout ({LabDurations.Format(t)})");
            }
        }

        var actions = map.KeyNodes.Where(k => Actions.Contains(k.Value)).ToList();
        if (actions.Count == 0)
        {
            y.Problem(item, path, $"an event needs one action: {string.Join(", ", Actions)}");
            return null;
        }

        if (actions.Count > 1)
        {
            y.Problem(actions[1], $"{path}.{actions[1].Value}", $"an event has one action, this one has {string.Join(" and ", actions.Select(a => a.Value))}: write them as separate events");
            return null;
        }

        var key = actions[0].Value!;
        if (key == "migrate" && hosts is not null and not 2)
        {
            y.Problem(actions[0], $"{path}.migrate", "a migrate event needs hosts: 2 (a second lab host to migrate to)");
        }

        var action = Action(y, map, key);
        return y.Problems.Count == before && action is not null
            ? new EventSpec(at, on, delay, action, (int)item.Start.Line)
            : null;
    }

    private static LabAction? Action(ScenarioYaml y, YamlMap map, string key)
    {
        var path = map.PathOf(key);
        var node = map.Value(key)!;
        switch (key)
        {
            case "setvcpus":
                return SetVcpus(y, node, path);
            case "setmem":
                return y.Size(node, path) is { } size ? new SetMemAction(size) : null;
            case "autoballoon":
                return AutoBalloon(y, node, path);
            case "suspend":
                return y.Duration(node, path, positive: true) is { } d ? new SuspendAction(d) : null;
            case "clock_step":
                return y.Duration(node, path, signed: true) is { } step ? new ClockStepAction(step) : null;
            case "domtime_sync":
                var sync = y.Bool(node, path);
                if (sync == false)
                {
                    y.Problem(node, path, "write domtime_sync: true, or leave the event out");
                }

                return sync == true ? new DomTimeSyncAction() : null;
            default:
                return Migrate(y, node, path);
        }
    }

    private static SetVcpusAction? SetVcpus(ScenarioYaml y, YamlNode node, string path)
    {
        if (node is not YamlMappingNode)
        {
            return y.Int(node, path, 1, 4096) is { } n ? new SetVcpusAction(n, false) : null;
        }

        var map = y.Map(node, path, ["count", "guest"])!;
        var count = y.Int(map, "count", 1, 4096, required: true);
        var guest = y.Bool(map, "guest") ?? false;
        return count is { } c ? new SetVcpusAction(c, guest) : null;
    }

    private static AutoBalloonAction? AutoBalloon(ScenarioYaml y, YamlNode node, string path)
    {
        if (y.Map(node, path, ["min", "max", "target_free"]) is not { } map)
        {
            return null;
        }

        var min = y.Size(map, "min", required: true);
        var max = y.Size(map, "max", required: true);
        var free = y.Int(map, "target_free", 1, 99);
        if (min is not null && max is not null && LabSizes.TryParse(min, out var lo, out _) && LabSizes.TryParse(max, out var hi, out _) && lo > hi)
        {
            y.Problem(map.Given("max")!, map.PathOf("max"), $"max {max} is below min {min}");
        }

        return min is null || max is null ? null : new AutoBalloonAction(min, max, free);
    }

    private static MigrateAction? Migrate(ScenarioYaml y, YamlNode node, string path)
    {
        if (YamlMap.IsNull(node))
        {
            return new MigrateAction(null, false, false, null);
        }

        if (y.Map(node, path, ["max_downtime", "auto_converge", "postcopy", "bandwidth"]) is not { } map)
        {
            return null;
        }

        return new MigrateAction(
            y.Duration(map, "max_downtime", positive: true),
            y.Bool(map, "auto_converge") ?? false,
            y.Bool(map, "postcopy") ?? false,
            y.Int(map, "bandwidth", 1, 1_000_000));
    }
}
