using OxyPlot;
using OxyPlot.Series;
using Virtlab.Lab.Results;

namespace Virtlab.Lab.Reports.Plots;

/// <summary>(a) What the world offered in CPUs, as the probe read it: online CPUs, nproc, the affinity mask.</summary>
internal static class CpuPlot
{
    public static PlotModel? Build(WorldRun world, double timeMax)
    {
        if (world.Samples.Count == 0)
        {
            return null;
        }

        var model = PlotFrame.Create(timeMax);
        var top = world.Samples.Max(s => Math.Max(s.Online, Math.Max(s.Nproc, s.Affinity)));
        var axis = PlotFrame.ValueAxis("CPUs", maximum: Math.Ceiling(top * 1.6) + 1);
        axis.MajorStep = top > 8 ? Math.Ceiling(top / 8.0) : 1;
        axis.MinorStep = axis.MajorStep;
        model.Axes.Add(axis);
        model.Series.Add(Steps("online CPUs", Palette.Sky, LineStyle.Solid, 5, world.Samples, s => s.Online));
        model.Series.Add(Steps("nproc", Palette.Blue, LineStyle.Dash, 2, world.Samples, s => s.Nproc));
        model.Series.Add(Steps("affinity", Palette.Vermillion, LineStyle.Dot, 2, world.Samples, s => s.Affinity));
        return model;
    }

    private static StairStepSeries Steps(string title, OxyColor color, LineStyle style, double thickness, IReadOnlyList<ProbeSample> samples, Func<ProbeSample, int> value)
    {
        var series = SeriesStyle.Steps(title, color, style, thickness);
        series.Points.AddRange(samples.Select(s => new DataPoint(s.AtSeconds, value(s))));
        return series;
    }
}
