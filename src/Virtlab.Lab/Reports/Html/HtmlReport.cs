using System.Text;
using Virtlab.Lab.Results;

namespace Virtlab.Lab.Reports.Html;

/// <summary>
/// report.html: one self-contained page (inline CSS and SVG, no script, no font or file fetched at view time) with the
/// header, the results matrix and one section per world. The markup is well-formed XML as well as HTML, so the tests
/// read it with an XML parser.
/// </summary>
internal static class HtmlReport
{
    public static string Render(LabRun run)
    {
        var html = new StringBuilder(256 * 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
            .Append("<title>").Append(H.E($"virtlab lab: {run.Scenario}")).Append("</title>\n")
            .Append("<style>\n").Append(HtmlStyles.Css).Append("</style>\n</head>\n<body>\n<div class=\"page\">\n");
        HeaderSection.Write(html, run);
        html.Append("<main>\n");
        MatrixSection.Write(html, run);
        foreach (var world in run.Worlds)
        {
            WorldSection.Write(html, run, world);
        }

        html.Append("</main>\n<footer><p>Written by <code>virtlab lab run</code> from ").Append(H.E(run.ScenarioFile))
            .Append(". The same run as data: <a href=\"results.json\">results.json</a>, for CI: <a href=\"junit.xml\">junit.xml</a>, ")
            .Append("raw logs per world under <code>runs/ID/</code>.</p></footer>\n</div>\n</body>\n</html>\n");
        return html.ToString();
    }
}
