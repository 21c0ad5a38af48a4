using OxyPlot;
using OxyPlot.Series;

namespace Virtlab.Lab.Reports.Plots;

/// <summary>Series bound to the shared axes, told apart by colour and by line style.</summary>
internal static class SeriesStyle
{
    public static LineSeries Line(string title, OxyColor color, LineStyle style = LineStyle.Solid, double thickness = 2, bool right = false) => new()
    {
        Title = ReportText.Clean(title),
        Color = color,
        LineStyle = style,
        StrokeThickness = thickness,
        XAxisKey = PlotFrame.TimeKey,
        YAxisKey = right ? PlotFrame.RightKey : PlotFrame.LeftKey,
    };

    public static StairStepSeries Steps(string title, OxyColor color, LineStyle style = LineStyle.Solid, double thickness = 2, bool right = false) => new()
    {
        Title = ReportText.Clean(title),
        Color = color,
        LineStyle = style,
        StrokeThickness = thickness,
        VerticalStrokeThickness = thickness,
        XAxisKey = PlotFrame.TimeKey,
        YAxisKey = right ? PlotFrame.RightKey : PlotFrame.LeftKey,
    };
}
