using Spectre.Console;
using Virtlab.Lab.Reports;
using Virtlab.Lab.Results;

namespace Virtlab.Lab.Console;

/// <summary>The end of a lab run on the terminal: the matrix (world × check), why each failure happened, and the report files.</summary>
internal static class RunReportText
{
    public static void Write(IAnsiConsole console, LabRun run, IReadOnlyList<string> files)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(run.Scenario)}[/]").AddColumn("world");
        foreach (var c in run.Checks)
        {
            table.AddColumn(new TableColumn(Markup.Escape(c)).Centered());
        }

        table.AddColumn("verdict");
        foreach (var w in run.Worlds)
        {
            var cells = new List<Markup> { new(Markup.Escape(w.Label)) };
            foreach (var c in run.Checks)
            {
                var r = w.Checks.FirstOrDefault(x => x.Name == c);
                cells.Add(new Markup(r is null ? VerdictText.Markup(VerdictLook.NotRun) : VerdictText.Markup(r.Verdict)));
            }

            cells.Add(new Markup(VerdictText.Markup(w.Verdict)));
            table.AddRow(cells);
        }

        console.Write(table);
        if (run.Expect is { } expect)
        {
            console.MarkupLine($"[grey]expected:[/] {Markup.Escape(expect)}");
        }

        foreach (var w in run.Worlds)
        {
            if (w.Error is { } error)
            {
                console.MarkupLine($"[magenta]{Markup.Escape(w.Id)}[/]: the lab could not run it: {Markup.Escape(error)}");
            }

            foreach (var c in w.Checks.Where(c => c.Verdict is Verdict.Failed or Verdict.Error))
            {
                console.MarkupLine($"[red]{Markup.Escape(w.Id)}[/] · {Markup.Escape(c.Name)}: {Markup.Escape(c.Message)}");
                if (c.Explanation is { } why)
                {
                    console.MarkupLine($"    [yellow]why:[/] {Markup.Escape(why)}");
                }
            }
        }

        console.MarkupLine("[grey]reports:[/]");
        foreach (var f in files)
        {
            console.MarkupLine($"  {Markup.Escape(f)}");
        }
    }
}
