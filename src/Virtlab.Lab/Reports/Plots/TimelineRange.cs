using Virtlab.Lab.Results;

namespace Virtlab.Lab.Reports.Plots;

/// <summary>The time axis all of a world's plots share: from t=0 to the last thing that happened, rounded up.</summary>
internal static class TimelineRange
{
    public static double Max(WorldRun world)
    {
        var times = world.Samples.Select(s => s.AtSeconds)
            .Concat(world.Metrics.SelectMany(m => m.Points.Select(p => p.AtSeconds)))
            .Concat(world.Latency.Select(l => l.AtSeconds))
            .Concat(world.Events.Select(e => e.EndSeconds ?? e.StartSeconds))
            .Concat(world.Migrations.SelectMany(m => m.Samples.Select(s => m.StartSeconds + s.TimeSeconds)))
            .Append(world.Exit?.AtSeconds ?? 0);
        var max = times.DefaultIfEmpty(0).Max();
        var step = max switch { <= 10 => 1.0, <= 60 => 2.0, <= 300 => 10.0, _ => 60.0 };
        return Math.Max(step, Math.Ceiling(max / step) * step);
    }
}
