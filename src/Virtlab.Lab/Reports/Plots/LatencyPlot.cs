using OxyPlot;
using OxyPlot.Series;
using Virtlab.Lab.Results;

namespace Virtlab.Lab.Reports.Plots;

/// <summary>(d) tcp_echo from outside the world: each round trip, and every request that got no answer marked on the
/// axis (the line breaks there and a dotted line bridges the silence).</summary>
internal static class LatencyPlot
{
    public static PlotModel? Build(WorldRun world, double timeMax)
    {
        if (world.Latency.Count == 0)
        {
            return null;
        }

        var model = PlotFrame.Create(timeMax);
        model.Axes.Add(PlotFrame.ValueAxis("round trip, ms", top: world.Latency.Max(l => l.RttMs ?? 0)));
        var rtt = SeriesStyle.Line("echo round trip", Palette.Blue, thickness: 1.5);
        rtt.BrokenLineColor = Palette.Vermillion;
        rtt.BrokenLineStyle = LineStyle.Dot;
        rtt.BrokenLineThickness = 1.5;
        rtt.Points.AddRange(world.Latency.Select(l => l.RttMs is { } ms ? new DataPoint(l.AtSeconds, ms) : DataPoint.Undefined));
        model.Series.Add(rtt);
        var lost = world.Latency.Where(l => l.RttMs is null).ToList();
        if (lost.Count > 0)
        {
            var none = new ScatterSeries
            {
                Title = $"no answer ({lost.Count})",
                MarkerType = MarkerType.Cross,
                MarkerSize = 3.5,
                MarkerStroke = Palette.Vermillion,
                MarkerStrokeThickness = 1.5,
                XAxisKey = PlotFrame.TimeKey,
                YAxisKey = PlotFrame.LeftKey,
            };
            none.Points.AddRange(lost.Select(l => new ScatterPoint(l.AtSeconds, 0)));
            model.Series.Add(none);
        }

        return model;
    }
}
