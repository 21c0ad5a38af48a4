using OxyPlot;
using Virtlab.Api;
using Virtlab.Lab.Results;

namespace Virtlab.Lab.Reports.Plots;

/// <summary>(e) One migration from QEMU's progress samples, on the run's time axis: the RAM left to send, and the
/// guest's dirty rate against the throttle auto-converge put on its vCPUs.</summary>
internal static class MigrationPlots
{
    private const double PageBytes = 4096;

    public static PlotModel? Remaining(MigrationTrace trace, IReadOnlyList<EventRecord> events, double timeMax)
    {
        if (trace.Samples.Count == 0)
        {
            return null;
        }

        var model = PlotFrame.Create(timeMax);
        model.Axes.Add(PlotFrame.ValueAxis("MiB", top: trace.Samples.Max(s => Math.Max(s.RemainingBytes, s.TransferredBytes)) / 1048576.0));
        var remaining = SeriesStyle.Line("remaining RAM", Palette.Blue, thickness: 2.5);
        remaining.MarkerType = MarkerType.Circle;
        remaining.MarkerSize = 2.5;
        remaining.MarkerFill = Palette.Blue;
        remaining.Points.AddRange(Points(trace, s => s.RemainingBytes / 1048576.0));
        var sent = SeriesStyle.Line("transferred", Palette.Green, LineStyle.Dash, 1.5);
        sent.Points.AddRange(Points(trace, s => s.TransferredBytes / 1048576.0));
        model.Series.Add(remaining);
        model.Series.Add(sent);
        EventBands.Add(model, events, timeMax);
        return model;
    }

    public static PlotModel? DirtyRate(MigrationTrace trace, IReadOnlyList<EventRecord> events, double timeMax)
    {
        if (trace.Samples.Count == 0)
        {
            return null;
        }

        var model = PlotFrame.Create(timeMax);
        model.Axes.Add(PlotFrame.ValueAxis("dirty rate, MiB/s", top: trace.Samples.Max(s => s.DirtyPagesRate) * PageBytes / 1048576.0));
        model.Axes.Add(PlotFrame.ValueAxis("throttle, %", right: true, maximum: 140));
        var dirty = SeriesStyle.Line("dirty rate", Palette.Vermillion, thickness: 2.5);
        dirty.Points.AddRange(Points(trace, s => s.DirtyPagesRate * PageBytes / 1048576.0));
        var throttle = SeriesStyle.Steps("CPU throttle", Palette.Purple, LineStyle.Dash, 2, right: true);
        throttle.Points.AddRange(Points(trace, s => s.ThrottlePercent));
        model.Series.Add(dirty);
        model.Series.Add(throttle);
        EventBands.Add(model, events, timeMax);
        return model;
    }

    private static IEnumerable<DataPoint> Points(MigrationTrace trace, Func<JobSample, double> value) =>
        trace.Samples.Select(s => new DataPoint(trace.StartSeconds + s.TimeSeconds, value(s)));
}
