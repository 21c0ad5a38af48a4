using System.Text;
using Virtlab.Lab.Results;

namespace Virtlab.Lab.Reports.Html;

/// <summary>What went wrong in a world, the explanation first (the probe reading or event behind it), then every check.</summary>
internal static class FindingsSection
{
    public static void Write(StringBuilder html, WorldRun world)
    {
        foreach (var check in world.Checks.Where(c => c.Verdict is Verdict.Failed or Verdict.Error))
        {
            var look = VerdictLook.Of(check.Verdict);
            html.Append("<article class=\"finding ").Append(look.CssClass).Append("\">\n<h3>").Append(H.E(look.Symbol)).Append(' ')
                .Append(H.E(check.Name));
            if (check.AtSeconds is { } at)
            {
                html.Append(" <span class=\"at\">").Append(check.Verdict == Verdict.Failed ? "failed" : "error").Append(" at t=")
                    .Append(H.E(ReportText.Seconds(at))).Append("</span>");
            }

            html.Append("</h3>\n");
            if (!string.IsNullOrWhiteSpace(check.Explanation))
            {
                html.Append("<p class=\"explanation\">").Append(H.E(check.Explanation)).Append("</p>\n");
            }

            html.Append("<p class=\"message\">").Append(H.E(check.Message)).Append("</p>\n</article>\n");
        }

        if (world.Checks.Count == 0)
        {
            return;
        }

        html.Append("<h3>Checks</h3>\n<table class=\"checks\">\n<thead><tr><th>check</th><th>verdict</th><th>what was seen</th><th class=\"num\">at</th></tr></thead>\n<tbody>\n");
        foreach (var check in world.Checks)
        {
            html.Append("<tr><td>").Append(H.E(check.Name)).Append("</td><td>").Append(H.Badge(VerdictLook.Of(check.Verdict))).Append("</td><td>")
                .Append(H.E(check.Message)).Append("</td><td class=\"num\">")
                .Append(check.AtSeconds is { } at ? H.E(ReportText.Seconds(at)) : "").Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n");
    }
}
