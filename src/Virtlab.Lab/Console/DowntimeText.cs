using Spectre.Console;
using Virtlab.Lab.Running;
using Virtlab.Lab.Scenarios;

namespace Virtlab.Lab.Console;

/// <summary>The end of <c>lab downtime</c>: every trial in order, the answer, and the runs on both sides of the boundary.</summary>
internal static class DowntimeText
{
    public static void Write(IAnsiConsole console, DowntimeAnswer answer, IReadOnlyList<string> files)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("trial").AddColumn(new TableColumn("stop").RightAligned())
            .AddColumn(new TableColumn("stood still (seen from outside)").RightAligned()).AddColumn("verdict").AddColumn("first failing check");
        foreach (var t in answer.Trials)
        {
            var failed = t.Run.Checks.FirstOrDefault(c => c.Verdict is Results.Verdict.Failed or Results.Verdict.Error);
            table.AddRow(
                new Markup(Markup.Escape(t.Kind == "pause" ? "suspend, resume" : "migrate --max-downtime")),
                new Markup(LabDurations.Format(t.Stop)),
                new Markup(t.StoppedMs is { } ms ? $"{ms:0} ms" : "?"),
                new Markup(VerdictText.Markup(t.Run.Verdict)),
                new Markup(Markup.Escape(failed is null ? t.Run.Error ?? string.Empty : $"{failed.Name}: {failed.Message}")));
        }

        console.Write(table);
        var line = (answer.LargestPassing, answer.SmallestFailing) switch
        {
            ({ } p, { } f) => $"max downtime: [bold]{LabDurations.Format(p)}[/] (passes with a pause of {LabDurations.Format(p)}; fails with {LabDurations.Format(f)})",
            ({ } p, null) => $"max downtime: at least [bold]{LabDurations.Format(p)}[/] (the longest pause tried passed)",
            (null, { } f) => $"max downtime: under [bold]{LabDurations.Format(f)}[/] (the shortest pause tried failed)",
            _ => "max downtime: not found (no trial ran)",
        };
        console.MarkupLine(line);
        var migrations = answer.Trials.Where(t => t.Kind == "migrate").ToList();
        if (migrations.Count > 0)
        {
            string Limits(IEnumerable<DowntimeTrial> ts) => string.Join(", ", ts.Select(t => LabDurations.Format(t.Stop)));
            var passed = migrations.Where(t => t.Run.Verdict == Results.Verdict.Passed).ToList();
            var worst = migrations.Max(t => t.StoppedMs ?? 0);
            console.MarkupLine(passed.Count == migrations.Count
                ? $"live migration: passes under every --max-downtime tried ({Limits(migrations)}); the application stood still at most {worst:0} ms"
                : $"live migration: fails under --max-downtime {Limits(migrations.Except(passed))}" + (passed.Count > 0 ? $"; passes under {Limits(passed)}" : string.Empty));
        }

        foreach (var side in new[] { answer.LargestPassing, answer.SmallestFailing }.OfType<TimeSpan>())
        {
            var t = answer.Trials.Last(x => x.Kind == "pause" && x.Stop == side);
            console.MarkupLine($"  [grey]evidence:[/] runs/{Markup.Escape(t.Run.Id)}/ ({VerdictText.Markup(t.Run.Verdict)})");
        }

        console.MarkupLine("[grey]reports:[/]");
        foreach (var f in files)
        {
            console.MarkupLine($"  {Markup.Escape(f)}");
        }
    }
}
