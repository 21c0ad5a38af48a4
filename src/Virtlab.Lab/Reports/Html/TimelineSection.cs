using System.Text;
using Virtlab.Lab.Reports.Plots;
using Virtlab.Lab.Results;

namespace Virtlab.Lab.Reports.Html;

/// <summary>A world's timeline plots, one above the other on the same time axis, each an inline SVG.</summary>
internal static class TimelineSection
{
    public static void Write(StringBuilder html, WorldRun world)
    {
        var plots = TimelinePlots.For(world, $"p-{Slug(world.Id)}");
        if (plots.Count == 0)
        {
            return;
        }

        html.Append("<h3>Timeline</h3>\n");
        if (world.Events.Count > 0)
        {
            html.Append("<p class=\"bands-note\"><span class=\"swatch\"></span>events as bands from when each started to when it returned; all plots share the time axis.</p>\n");
        }

        foreach (var plot in plots)
        {
            html.Append("<figure class=\"timeline\" data-plot=\"").Append(H.E(plot.Kind)).Append("\">\n<figcaption><b>").Append(H.E(plot.Title))
                .Append("</b>").Append(H.E(plot.Caption)).Append("</figcaption>\n").Append(plot.Svg).Append("\n</figure>\n");
        }
    }

    /// <summary>A world id reduced to id-safe characters, for the plots' clip-path ids.</summary>
    private static string Slug(string id) => new(id.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());
}
