using OxyPlot;
using OxyPlot.Series;
using Virtlab.Lab.Results;

namespace Virtlab.Lab.Reports.Plots;

/// <summary>
/// (c) The probe's heartbeat: CLOCK_MONOTONIC between samples (a spike where the world stopped), this machine's
/// time between them (what the world did not see), and realtime clock steps (domtime --sync, a clock step) as stems.
/// </summary>
internal static class GapsPlot
{
    public static PlotModel? Build(WorldRun world, double timeMax)
    {
        if (world.Samples.Count < 2)
        {
            return null;
        }

        var model = PlotFrame.Create(timeMax);
        var steps = world.Samples.Where(s => Math.Abs(s.RealtimeStepMs) >= 1).ToList();
        var low = Math.Min(0, steps.Select(s => s.RealtimeStepMs).DefaultIfEmpty(0).Min());
        var high = world.Samples.Skip(1).Max(s => Math.Max(s.GapMs, s.HostGapMs ?? 0));
        model.Axes.Add(PlotFrame.ValueAxis("ms", minimum: low < 0 ? null : 0, top: high));
        var gap = SeriesStyle.Steps("probe gap (monotonic)", Palette.Blue, thickness: 2);
        gap.Points.AddRange(Spans(world.Samples, s => s.GapMs));
        model.Series.Add(gap);
        if (world.Samples.Any(s => s.HostGapMs is not null))
        {
            var host = SeriesStyle.Steps("host time between samples", Palette.Orange, LineStyle.Dash, 1.5);
            host.Points.AddRange(Spans(world.Samples, s => s.HostGapMs ?? double.NaN));
            model.Series.Add(host);
        }

        if (steps.Count > 0)
        {
            var stems = new StemSeries
            {
                Title = "realtime clock step",
                Color = Palette.Vermillion,
                StrokeThickness = 2.5,
                MarkerType = MarkerType.Diamond,
                MarkerSize = 4,
                MarkerFill = Palette.Vermillion,
                XAxisKey = PlotFrame.TimeKey,
                YAxisKey = PlotFrame.LeftKey,
            };
            stems.Points.AddRange(steps.Select(s => new DataPoint(s.AtSeconds, s.RealtimeStepMs)));
            model.Series.Add(stems);
        }

        return model;
    }

    /// <summary>Each gap held over the interval it measured (from the previous sample to this one), not drawn as a
    /// ramp between two readings: a 3 s stop shows as a 3 s plateau where it happened.</summary>
    private static IEnumerable<DataPoint> Spans(IReadOnlyList<ProbeSample> samples, Func<ProbeSample, double> value)
    {
        for (var i = 1; i < samples.Count; i++)
        {
            yield return new DataPoint(samples[i - 1].AtSeconds, value(samples[i]));
        }

        yield return new DataPoint(samples[^1].AtSeconds, value(samples[^1]));
    }
}
