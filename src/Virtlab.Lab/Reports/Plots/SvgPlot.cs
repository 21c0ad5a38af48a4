using System.Text.RegularExpressions;
using OxyPlot;

namespace Virtlab.Lab.Reports.Plots;

/// <summary>
/// A plot as an SVG element to inline in the page: OxyPlot's SvgExporter (text measured by <see cref="SvgTextMeasurer"/>:
/// no native graphics library), without the XML declaration, scalable (a viewBox), and with its clip-path ids made unique in the
/// page (OxyPlot numbers them from 1 in every plot, and a page with two plots would clip the second by the first's).
/// </summary>
internal static partial class SvgPlot
{
    public static string Export(PlotModel model, string idPrefix, string label)
    {
        var exporter = new SvgExporter
        {
            Width = PlotFrame.Width,
            Height = PlotFrame.Height,
            IsDocument = false,
            TextMeasurer = new SvgTextMeasurer(PlotFrame.Width, PlotFrame.Height),
        };
        var svg = exporter.ExportToString(model);
        svg = XmlDeclaration().Replace(svg, "");
        svg = ClipPathId().Replace(svg, m => $"{idPrefix}-{m.Value}");
        var open = svg.IndexOf("<svg ", StringComparison.Ordinal);
        var attributes = $"<svg class=\"plot\" role=\"img\" aria-label=\"{System.Net.WebUtility.HtmlEncode(label)}\" " +
                         $"viewBox=\"0 0 {PlotFrame.Width} {PlotFrame.Height}\" preserveAspectRatio=\"xMinYMin meet\" ";
        return string.Concat(svg.AsSpan(0, open), attributes, svg.AsSpan(open + 5)).Trim();
    }

    [GeneratedRegex(@"^\s*<\?xml[^>]*\?>\s*")]
    private static partial Regex XmlDeclaration();

    [GeneratedRegex(@"\bclipPath\d+\b")]
    private static partial Regex ClipPathId();
}
