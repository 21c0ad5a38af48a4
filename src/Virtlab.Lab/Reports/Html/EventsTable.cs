using System.Text;
using Virtlab.Lab.Results;

namespace Virtlab.Lab.Reports.Html;

/// <summary>The events as they happened: when each started and returned, and what the daemon answered.</summary>
internal static class EventsTable
{
    public static void Write(StringBuilder html, WorldRun world)
    {
        if (world.Events.Count == 0)
        {
            return;
        }

        html.Append("<h3>Events</h3>\n<table class=\"events\">\n<thead><tr><th>event</th><th class=\"num\">started</th><th class=\"num\">returned</th>")
            .Append("<th class=\"num\">took</th><th>outcome</th><th>what the daemon said</th></tr></thead>\n<tbody>\n");
        foreach (var e in world.Events)
        {
            var look = e.Outcome.ToLowerInvariant() switch { "ok" => VerdictLook.Passed, "failed" => VerdictLook.Failed, _ => VerdictLook.Skipped };
            html.Append("<tr><td class=\"mono\">").Append(H.E(e.Action)).Append("</td><td class=\"num\">t=").Append(H.E(ReportText.Seconds(e.StartSeconds)))
                .Append("</td><td class=\"num\">").Append(e.EndSeconds is { } end ? "t=" + H.E(ReportText.Seconds(end)) : "")
                .Append("</td><td class=\"num\">").Append(e.EndSeconds is { } end2 ? H.E(ReportText.Duration(end2 - e.StartSeconds)) : "")
                .Append("</td><td><span class=\"badge ").Append(look.CssClass).Append("\">").Append(H.E(e.Outcome)).Append("</span></td><td>")
                .Append(H.E(e.Detail)).Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n");
    }
}
