using System.Globalization;
using System.Text;
using Virtlab.Lab.Results;

namespace Virtlab.Lab.Reports.Html;

/// <summary>The last lines the application printed, stamped on the run's time axis, folded away until asked for.</summary>
internal static class OutputSection
{
    public const int Lines = 60;

    public static void Write(StringBuilder html, WorldRun world)
    {
        if (world.Output.Count == 0)
        {
            return;
        }

        var shown = world.Output.TakeLast(Lines).ToList();
        html.Append("<details class=\"output\"><summary>The application's output: ")
            .Append(shown.Count == world.Output.Count ? $"all {shown.Count} lines" : $"the last {shown.Count} of {world.Output.Count} lines")
            .Append("</summary>\n<pre class=\"output\">");
        foreach (var line in shown)
        {
            html.Append("<span class=\"at\">").Append(string.Create(CultureInfo.InvariantCulture, $"{line.AtSeconds,8:0.000}")).Append("</span> ");
            if (line.Stream == "err")
            {
                html.Append("<span class=\"err\">").Append(H.E(line.Text)).Append("</span>\n");
            }
            else
            {
                html.Append(H.E(line.Text)).Append('\n');
            }
        }

        html.Append("</pre>\n</details>\n");
    }
}
