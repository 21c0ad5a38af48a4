using OxyPlot;

namespace Virtlab.Lab.Reports.Plots;

/// <summary>
/// Text sizes for the SVG exporter in the SVG's own unit. OxyPlot's default measurer for SVG is its PDF context,
/// which answers in points (1/72 in) while the SVG's font-size is in pixels (1/96 in): legends and axis titles came
/// out 3/4 of the width the browser draws, and the legend's clip cut "affinity" to "affini". Measured here with the
/// same Helvetica metrics, scaled to pixels (Arial / Liberation Sans, the fonts the page asks for, share them).
/// </summary>
internal sealed class SvgTextMeasurer(double width, double height) : PdfRenderContext(width, height, OxyColors.White)
{
    private const double PixelsPerPoint = 96.0 / 72.0;

    public override OxySize MeasureText(string text, string fontFamily, double fontSize, double fontWeight)
    {
        var size = base.MeasureText(text, fontFamily, fontSize, fontWeight);
        return new OxySize(size.Width * PixelsPerPoint, size.Height * PixelsPerPoint);
    }
}
