using OxyPlot;
using Virtlab.Lab.Results;

namespace Virtlab.Lab.Reports.Plots;

/// <summary>(b) Memory as the world saw it: MemTotal (moves with the balloon and DIMMs) and MemAvailable, in MiB.</summary>
internal static class MemoryPlot
{
    public static PlotModel? Build(WorldRun world, double timeMax)
    {
        if (world.Samples.Count == 0)
        {
            return null;
        }

        var model = PlotFrame.Create(timeMax);
        model.Axes.Add(PlotFrame.ValueAxis("MiB", top: world.Samples.Max(s => s.MemTotalKiB) / 1024.0));
        var total = SeriesStyle.Steps("MemTotal", Palette.Blue, thickness: 2.5);
        total.Points.AddRange(world.Samples.Select(s => new DataPoint(s.AtSeconds, s.MemTotalKiB / 1024.0)));
        var available = SeriesStyle.Line("MemAvailable", Palette.Green, LineStyle.Dash);
        available.Points.AddRange(world.Samples.Select(s => new DataPoint(s.AtSeconds, s.MemAvailableKiB / 1024.0)));
        model.Series.Add(total);
        model.Series.Add(available);
        return model;
    }
}
