using Virtlab.Lab.Reports.Plots;

namespace Virtlab.Lab.Tests.Reports;

/// <summary>Plot text is laid out at the size the browser draws it (pixels), or legends get clipped mid-word.</summary>
public sealed class SvgTextMeasurerTests
{
    [Fact]
    public void Given_a_legend_label_at_11_px_then_it_measures_the_helvetica_width_in_pixels_not_in_points()
    {
        var measurer = new SvgTextMeasurer(960, 230);

        var size = measurer.MeasureText("echo round trip", "Arial", 11, 400);

        // Helvetica's advance widths for the string add up to 6.670 em: 73.4 px at 11 px (55 if taken as points).
        Assert.InRange(size.Width, 72.5, 74.5);
    }
}
