using OxyPlot;
using OxyPlot.Annotations;
using Virtlab.Lab.Results;

namespace Virtlab.Lab.Reports.Plots;

/// <summary>
/// The run's events as marked, labelled bands from start to end (the talk's ping trace), on every timeline plot.
/// An event that returned at once still gets a visible sliver; labels step down in three rows so neighbours stay legible.
/// </summary>
internal static class EventBands
{
    private static readonly OxyColor Band = OxyColor.FromAColor(46, Palette.Orange);
    private static readonly OxyColor Edge = OxyColor.FromRgb(0xB0, 0x7A, 0x00);
    private static readonly OxyColor SkippedBand = OxyColor.FromAColor(30, Palette.Muted);

    public static void Add(PlotModel model, IReadOnlyList<EventRecord> events, double timeMax)
    {
        var sliver = Math.Max(0.05, timeMax * 0.004);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var skipped = string.Equals(e.Outcome, "skipped", StringComparison.OrdinalIgnoreCase);
            var failed = string.Equals(e.Outcome, "failed", StringComparison.OrdinalIgnoreCase);
            var end = Math.Max(e.EndSeconds ?? e.StartSeconds, e.StartSeconds + sliver);
            var label = skipped ? $"{e.Action} (skipped)" : failed ? $"{e.Action} (failed)" : e.Action;
            model.Annotations.Add(new RectangleAnnotation
            {
                XAxisKey = PlotFrame.TimeKey,
                YAxisKey = PlotFrame.BandKey,
                MinimumX = e.StartSeconds,
                MaximumX = end,
                MinimumY = 0,
                MaximumY = 1,
                Fill = skipped ? SkippedBand : Band,
                Stroke = skipped ? Palette.Muted : Edge,
                StrokeThickness = 1,
                Layer = AnnotationLayer.BelowSeries,
                Text = ReportText.Clean(label),
                TextColor = skipped ? Palette.Muted : Palette.Ink,
                FontSize = 10.5,
                TextPosition = new DataPoint(e.StartSeconds + sliver, 0.985 - 0.085 * (i % 3)),
                TextHorizontalAlignment = HorizontalAlignment.Left,
                TextVerticalAlignment = VerticalAlignment.Top,
            });
        }
    }
}
