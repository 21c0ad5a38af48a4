using System.Globalization;
using OxyPlot;
using Virtlab.Lab.Results;

namespace Virtlab.Lab.Reports.Plots;

/// <summary>A world's timeline: every plot that has data, on one time axis, each with the run's events as bands.</summary>
internal static class TimelinePlots
{
    public static IReadOnlyList<TimelinePlot> For(WorldRun world, string idPrefix)
    {
        var timeMax = TimelineRange.Max(world);
        var plots = new List<TimelinePlot>();

        void Add(string kind, string title, string caption, PlotModel? model, bool bands = true)
        {
            if (model is null)
            {
                return;
            }

            if (bands)
            {
                EventBands.Add(model, world.Events, timeMax);
            }

            plots.Add(new TimelinePlot(kind, title, caption, SvgPlot.Export(model, $"{idPrefix}-{plots.Count}", $"{title}, {world.Id}")));
        }

        Add("cpus", "CPUs the world offered", "online CPUs, nproc and the affinity mask as the probe beside the application read them", CpuPlot.Build(world, timeMax));
        Add("memory", "Memory", "MemTotal and MemAvailable from /proc/meminfo", MemoryPlot.Build(world, timeMax));
        Add("metrics", "What the application printed", "its metrics (NAME=VALUE lines), each held until the next", MetricsPlot.Build(world, timeMax));
        Add("gaps", "Heartbeat gaps and clock steps", "the probe's CLOCK_MONOTONIC between samples (about 250 ms when nothing stopped the world), this machine's time between them, and realtime steps", GapsPlot.Build(world, timeMax));
        Add("latency", "Service round trip (tcp_echo)", "the lab's echo requests from outside the world; crosses on the axis got no answer", LatencyPlot.Build(world, timeMax));
        for (var i = 0; i < world.Migrations.Count; i++)
        {
            var m = world.Migrations[i];
            var name = world.Migrations.Count == 1 ? "Migration" : $"Migration {i + 1}";
            var caption = Caption(m);
            Add("migration-ram", $"{name} to {m.To}: RAM left to send", caption, MigrationPlots.Remaining(m, world.Events, timeMax), bands: false);
            Add("migration-dirty", $"{name} to {m.To}: dirty rate and throttle", caption, MigrationPlots.DirtyRate(m, world.Events, timeMax), bands: false);
        }

        return plots;
    }

    private static string Caption(MigrationTrace m)
    {
        static string Ms(double? v) => v is { } x ? string.Create(CultureInfo.InvariantCulture, $"{x:0} ms") : "n/a";
        return $"{m.Outcome}: QEMU's downtime {Ms(m.DowntimeMs)}, the guest saw a gap of {Ms(m.GuestGapMs)}, " +
               $"the ping from outside {Ms(m.PingGapMs)}; total {(m.TotalMs is { } t ? ReportText.Duration(t / 1000) : "n/a")}";
    }
}
