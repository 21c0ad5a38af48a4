using System.Text;
using Virtlab.Lab.Results;

namespace Virtlab.Lab.Reports.Html;

/// <summary>The results matrix: a row per world, a column per check, every cell and row head a link to the world's section.</summary>
internal static class MatrixSection
{
    private const int MessageLength = 70;

    public static void Write(StringBuilder html, LabRun run)
    {
        var checks = run.Checks.Concat(run.Worlds.SelectMany(w => w.Checks.Select(c => c.Name))).Distinct(StringComparer.Ordinal).ToList();
        html.Append("<section class=\"card\" id=\"matrix\">\n<h2>Results</h2>\n<div class=\"matrix-wrap\">\n<table class=\"matrix\">\n<thead><tr>")
            .Append("<th scope=\"col\">world</th><th scope=\"col\">verdict</th>");
        foreach (var check in checks)
        {
            html.Append("<th scope=\"col\" class=\"check\">").Append(H.E(check)).Append("</th>");
        }

        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var world in run.Worlds)
        {
            var look = VerdictLook.Of(world.Verdict);
            html.Append("<tr class=\"world-row\" data-world=\"").Append(H.E(world.Id)).Append("\">")
                .Append("<th scope=\"row\" class=\"world-name\"><a href=\"").Append(H.Href(world)).Append("\">").Append(H.E(world.Label))
                .Append("<span class=\"world-id\">").Append(H.E(world.Id)).Append("</span></a></th>");
            Cell(html, world, "verdict", look, world.Verdict == Verdict.Error ? world.Error ?? "" : Duration(world), null);
            foreach (var check in checks)
            {
                var result = world.Checks.FirstOrDefault(c => c.Name == check);
                var cellLook = result is null ? VerdictLook.NotRun : VerdictLook.Of(result.Verdict);
                var message = result?.Message ?? (world.Verdict == Verdict.Error ? "the lab could not run this world" : "no result");
                Cell(html, world, "cell", cellLook, message, check);
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody>\n</table>\n</div>\n<p class=\"legend\">Each cell links to its world's timeline.");
        foreach (var look in VerdictLook.All)
        {
            html.Append(' ').Append(H.Badge(look));
        }

        html.Append("</p>\n</section>\n");
    }

    private static void Cell(StringBuilder html, WorldRun world, string role, VerdictLook look, string message, string? check)
    {
        html.Append("<td class=\"").Append(role).Append(' ').Append(look.CssClass).Append('"');
        if (check is not null)
        {
            html.Append(" data-check=\"").Append(H.E(check)).Append('"');
        }

        html.Append("><a href=\"").Append(H.Href(world)).Append("\" title=\"").Append(H.E(message)).Append("\">")
            .Append("<span class=\"label\">").Append(H.E(look.Label)).Append("</span>")
            .Append("<span class=\"msg\">").Append(H.E(ReportText.Shorten(message, MessageLength))).Append("</span></a></td>");
    }

    private static string Duration(WorldRun world) => world.Exit is null ? ReportText.Duration(world.DurationSeconds) : $"ran {ReportText.Duration(world.Exit.AtSeconds)}";
}
