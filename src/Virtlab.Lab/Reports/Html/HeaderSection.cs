using System.Text;
using Virtlab.Lab.Results;

namespace Virtlab.Lab.Reports.Html;

/// <summary>The page's header: the scenario, the prediction next to what was observed, the counts, the machine.</summary>
internal static class HeaderSection
{
    public static void Write(StringBuilder html, LabRun run)
    {
        html.Append("<header class=\"card report-header\">\n<p class=\"kicker\">virtlab lab report</p>\n")
            .Append("<h1>").Append(H.E(run.Scenario)).Append("</h1>\n");
        if (!string.IsNullOrWhiteSpace(run.Description))
        {
            html.Append("<p class=\"description\">").Append(H.E(run.Description)).Append("</p>\n");
        }

        html.Append("<ul class=\"counts\">");
        foreach (var verdict in Enum.GetValues<Verdict>())
        {
            var n = run.Worlds.Count(w => w.Verdict == verdict);
            if (n > 0)
            {
                var look = VerdictLook.Of(verdict);
                html.Append("<li class=\"badge ").Append(look.CssClass).Append("\">").Append(look.Symbol).Append(' ')
                    .Append(n).Append(' ').Append(n == 1 ? "world " : "worlds ").Append(look.Word).Append("</li>");
            }
        }

        html.Append("</ul>\n<dl class=\"verdicts\">\n");
        if (!string.IsNullOrWhiteSpace(run.Expect))
        {
            html.Append("<dt>Predicted</dt><dd class=\"expect\">").Append(H.E(run.Expect)).Append("</dd>\n");
        }

        html.Append("<dt>Observed</dt><dd class=\"observed summary\">").Append(H.E(RunSummary.Of(run))).Append("</dd>\n</dl>\n");
        var m = run.Machine;
        var duration = run.FinishedAt is { } end ? ReportText.Duration((end - run.StartedAt).TotalSeconds) : "did not finish";
        html.Append("<dl class=\"facts\">\n");
        Fact(html, "Started", ReportText.Moment(run.StartedAt));
        Fact(html, "Duration", duration);
        Fact(html, "Machine", $"{m.HostName}: {m.CpuModel}, {m.Cores} cores, {ReportText.KiB(m.MemoryKiB)}");
        Fact(html, "Kernel", m.Kernel);
        Fact(html, "QEMU", $"{m.QemuVersion ?? "not found"}, accel {m.Accel ?? "n/a"}{(m.AccelReason is null ? "" : $" ({m.AccelReason})")}");
        Fact(html, "Scenario file", run.ScenarioFile);
        html.Append("</dl>\n</header>\n");
    }

    private static void Fact(StringBuilder html, string name, string value) =>
        html.Append("<div><dt>").Append(H.E(name)).Append("</dt><dd>").Append(H.E(value)).Append("</dd></div>\n");
}
