using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;

namespace Virtlab.Lab.Reports.Plots;

/// <summary>
/// The frame every timeline plot of a world shares: the same time axis (seconds from t=0, same range), the same
/// left and right margins so the plot areas line up one above the other, a legend above the plot, and a hidden
/// 0..1 axis the event bands hang from.
/// </summary>
internal static class PlotFrame
{
    public const int Width = 960;
    public const int Height = 230;
    public const string TimeKey = "t";
    public const string BandKey = "bands";
    public const string LeftKey = "left";
    public const string RightKey = "right";

    public static PlotModel Create(double timeMax)
    {
        var model = new PlotModel
        {
            DefaultFont = "Arial",
            DefaultFontSize = 11,
            TextColor = Palette.Ink,
            PlotAreaBorderColor = Palette.Muted,
            PlotAreaBorderThickness = new OxyThickness(0, 0, 0, 1),
            PlotMargins = new OxyThickness(68, double.NaN, 68, double.NaN),
            Padding = new OxyThickness(4, 2, 4, 2),
            Background = OxyColors.White,
        };
        model.Axes.Add(new LinearAxis
        {
            Key = TimeKey,
            Position = AxisPosition.Bottom,
            Minimum = 0,
            Maximum = timeMax,
            Title = "seconds from t=0",
            MajorGridlineStyle = LineStyle.Solid,
            MajorGridlineColor = Palette.Grid,
            TicklineColor = Palette.Muted,
            AxislineColor = Palette.Muted,
            MinorTickSize = 0,
        });
        model.Axes.Add(new LinearAxis { Key = BandKey, Position = AxisPosition.Right, Minimum = 0, Maximum = 1, IsAxisVisible = false });
        model.Legends.Add(new Legend
        {
            LegendPlacement = LegendPlacement.Outside,
            LegendPosition = LegendPosition.TopLeft,
            LegendOrientation = LegendOrientation.Horizontal,
            LegendFontSize = 11,
            LegendSymbolLength = 22,
            LegendItemSpacing = 18,
            LegendPadding = 2,
            LegendMargin = 2,
        });
        return model;
    }

    /// <summary>
    /// A value axis; the top third stays free for the event labels. <paramref name="top"/> is the data's largest value:
    /// the axis then ends half as high again (OxyPlot's own padding is a share of the data's range, and a flat series
    /// at 250 ms would sit on the top edge).
    /// </summary>
    public static LinearAxis ValueAxis(string title, bool right = false, double? minimum = 0, double? maximum = null, double? top = null)
    {
        if (maximum is null && top is > 0 && minimum is not null)
        {
            maximum = top.Value * 1.5;
        }

        return Axis(title, right, minimum, maximum);
    }

    private static LinearAxis Axis(string title, bool right, double? minimum, double? maximum) => new()
    {
        Key = right ? RightKey : LeftKey,
        Position = right ? AxisPosition.Right : AxisPosition.Left,
        Title = title,
        Minimum = minimum ?? double.NaN,
        Maximum = maximum ?? double.NaN,
        MaximumPadding = maximum is null ? 0.45 : 0,
        MinimumPadding = minimum is null ? 0.1 : 0,
        MajorGridlineStyle = right ? LineStyle.None : LineStyle.Solid,
        MajorGridlineColor = Palette.Grid,
        TicklineColor = Palette.Muted,
        AxislineColor = Palette.Muted,
        AxisTitleDistance = 10,
        MinorTickSize = 0,
    };
}
