using OxyPlot;
using Virtlab.Lab.Results;

namespace Virtlab.Lab.Reports.Plots;

/// <summary>(c) The numbers the application printed (NAME=VALUE), each held until it printed the next.</summary>
internal static class MetricsPlot
{
    private static readonly LineStyle[] Styles = [LineStyle.Solid, LineStyle.Dash, LineStyle.Dot, LineStyle.DashDot];

    public static PlotModel? Build(WorldRun world, double timeMax)
    {
        var metrics = world.Metrics.Where(m => m.Points.Count > 0).ToList();
        if (metrics.Count == 0)
        {
            return null;
        }

        var model = PlotFrame.Create(timeMax);
        model.Axes.Add(PlotFrame.ValueAxis(metrics.Count == 1 ? metrics[0].Name : "value",
            minimum: metrics.SelectMany(m => m.Points).Min(p => p.Value) < 0 ? null : 0,
            top: metrics.SelectMany(m => m.Points).Max(p => p.Value)));
        for (var i = 0; i < metrics.Count; i++)
        {
            var series = SeriesStyle.Steps(metrics[i].Name, Palette.Series[i % Palette.Series.Count], Styles[i / Palette.Series.Count % Styles.Length], 2.5);
            series.MarkerType = MarkerType.Circle;
            series.MarkerSize = 2.5;
            series.MarkerFill = series.Color;
            series.Points.AddRange(metrics[i].Points.Select(p => new DataPoint(p.AtSeconds, p.Value)));
            model.Series.Add(series);
        }

        return model;
    }
}
