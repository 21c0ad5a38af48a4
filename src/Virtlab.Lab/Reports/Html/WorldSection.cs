using System.Text;
using Virtlab.Lab.Reports.JUnit;
using Virtlab.Lab.Results;

namespace Virtlab.Lab.Reports.Html;

/// <summary>One world's section (<c>id="run-ID"</c>): its verdict, what went wrong and why, the timeline, the events, the output.</summary>
internal static class WorldSection
{
    public static void Write(StringBuilder html, LabRun run, WorldRun world)
    {
        var look = VerdictLook.Of(world.Verdict);
        html.Append("<section class=\"card world ").Append(look.CssClass).Append("\" id=\"").Append(H.Anchor(world)).Append("\">\n")
            .Append("<h2>").Append(H.Badge(look)).Append(' ').Append(H.E(world.Label)).Append("</h2>\n")
            .Append("<p class=\"meta\">").Append(H.E(Meta(world))).Append("</p>\n");
        if (world.Error is not null)
        {
            html.Append("<p class=\"lab-error\"><b>The lab could not run this world:</b> ").Append(H.E(world.Error)).Append("</p>\n");
        }

        FindingsSection.Write(html, world);
        TimelineSection.Write(html, world);
        EventsTable.Write(html, world);
        OutputSection.Write(html, world);
        Facts(html, world);
        html.Append("<p class=\"back\"><a href=\"#matrix\">↑ back to the results</a></p>\n</section>\n");
    }

    private static string Meta(WorldRun world)
    {
        var parts = new List<string> { world.Id };
        if (world.Cpu is not null)
        {
            parts.Add($"cpu {world.Cpu}");
        }

        if (world.Vcpus is not null)
        {
            parts.Add($"vcpus {world.Vcpus}");
        }

        if (world.Memory is not null)
        {
            parts.Add($"memory {world.Memory}");
        }

        if (world.Accel is not null)
        {
            parts.Add($"accel {world.Accel}");
        }

        parts.Add($"started {world.StartedAt.ToUniversalTime():HH:mm:ss} UTC");
        parts.Add($"{ReportText.Duration(world.DurationSeconds)} in all");
        if (world.Exit is not null)
        {
            parts.Add(JUnitReport.ExitText(world.Exit));
        }

        return string.Join(" · ", parts);
    }

    private static void Facts(StringBuilder html, WorldRun world)
    {
        if (world.Facts is not { } f)
        {
            return;
        }

        html.Append("<details class=\"facts-detail\"><summary>What the world offered</summary>\n<table class=\"checks\"><tbody>\n");
        Row(html, "CPU model", f.ModelName);
        Row(html, "online CPUs at start", f.OnlineCpus.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Row(html, "MemTotal at start", ReportText.KiB(f.MemTotalKiB));
        Row(html, "clocksource", f.Clocksource);
        Row(html, "PMU", f.Pmu ? "yes (perf_event_open of cycles works)" : $"no{(f.PmuDetail is null ? "" : $" ({f.PmuDetail})")}");
        Row(html, "CPU flags", string.Join(' ', f.Flags));
        html.Append("</tbody></table>\n</details>\n");
    }

    private static void Row(StringBuilder html, string name, string value) =>
        html.Append("<tr><th scope=\"row\">").Append(H.E(name)).Append("</th><td class=\"mono\">").Append(H.E(value)).Append("</td></tr>\n");
}
