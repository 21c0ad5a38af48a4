using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Spectre.Console;
using Virtlab.Lab.Console;
using Virtlab.Lab.Examples;
using Virtlab.Lab.Reports;
using Virtlab.Lab.Running;
using Virtlab.Lab.Scenarios;

namespace Virtlab.Lab;

/// <summary>
/// virtlab lab: run | downtime | examples. The CLI ('virtlab lab ...') hands its arguments to this program.
/// Exit status: 0 when every world ran (whatever the application's verdicts), 1 when the lab could not run a world,
/// 2 for a bad scenario (nothing was started), 130 when interrupted (every VM is gone; --resume goes on).
/// </summary>
internal static class LabApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (System.Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 160;
        }

        var root = new RootCommand("virtlab lab: test an application on this machine and across a matrix of VMs, with events during the run (docs/LAB.md)")
        {
            RunCommand(),
            DowntimeCommand(),
            ExamplesCommand(),
        };
        return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
    }

    private static Command RunCommand()
    {
        var scenario = new Argument<string>("SCENARIO") { Description = "a scenario file, a directory with a scenario.yaml, or a built-in example's name ('virtlab lab examples')" };
        var report = new Option<string?>("--report") { Description = "the report directory (default ./lab-report-NAME-TIME)" };
        var jobs = new Option<int?>("--jobs") { Description = "worlds at once (default: from this machine's cores and memory)" };
        var resume = new Option<string?>("--resume") { Description = "an earlier report directory: keep its finished worlds, run the rest (and write into it unless --report is given)" };
        var cmd = new Command("run", "run the application in every world of the scenario, with its events, and write the reports") { scenario, report, jobs, resume };
        cmd.SetAction((parse, ct) => GuardedAsync(async token =>
        {
            var s = await LoadAsync(parse.GetValue(scenario)!, token).ConfigureAwait(false);
            var resumeDir = parse.GetValue(resume);
            var dir = Path.GetFullPath(parse.GetValue(report) ?? resumeDir ?? DefaultReport(s.Name));
            var options = new LabOptions(dir, parse.GetValue(jobs) ?? DefaultJobs(), resumeDir);
            if (options.Jobs < 1)
            {
                throw new ScenarioException([new ScenarioProblem("--jobs", 0, 0, "--jobs", "must be at least 1")]);
            }

            AnsiConsole.MarkupLine($"[bold]{Markup.Escape(s.Name)}[/]: {Markup.Escape(s.Description ?? string.Empty)}");
            AnsiConsole.MarkupLine($"[grey]report directory {Markup.Escape(dir)}, {options.Jobs} world{(options.Jobs == 1 ? string.Empty : "s")} at a time[/]");
            var run = await new LabRunner(s, options, ILabProgress.ForConsole()).RunAsync(token).ConfigureAwait(false);
            var files = await ReportWriter.WriteAsync(run, dir, token).ConfigureAwait(false);
            RunReportText.Write(AnsiConsole.Console, run, files);
            return run.Worlds.Any(w => w.Verdict == Results.Verdict.Error) ? 1 : 0;
        }, ct));
        return cmd;
    }

    private static Command DowntimeCommand()
    {
        var scenario = new Argument<string>("SCENARIO") { Description = "a scenario file, a directory with a scenario.yaml, or a built-in example's name" };
        var report = new Option<string?>("--report") { Description = "the report directory (default ./lab-report-NAME-downtime-TIME)" };
        var cmd = new Command("downtime", "find the longest stop (pause, migration downtime limit) the application survives with its checks passing") { scenario, report };
        cmd.SetAction((parse, ct) => GuardedAsync(async token =>
        {
            var s = await LoadAsync(parse.GetValue(scenario)!, token).ConfigureAwait(false);
            var dir = Path.GetFullPath(parse.GetValue(report) ?? DefaultReport(s.Name + "-downtime"));
            AnsiConsole.MarkupLine($"[bold]{Markup.Escape(s.Name)}[/]: the longest stop it survives (report directory {Markup.Escape(dir)})");
            var answer = await new DowntimeFinder(s, dir, ILabProgress.ForConsole()).FindAsync(token).ConfigureAwait(false);
            var files = await ReportWriter.WriteAsync(answer.Lab, dir, token).ConfigureAwait(false);
            DowntimeText.Write(AnsiConsole.Console, answer, files);
            return answer.Trials.Any(t => t.Run.Verdict == Results.Verdict.Error) ? 1 : 0;
        }, ct));
        return cmd;
    }

    private static Command ExamplesCommand()
    {
        var cmd = new Command("examples", "list the built-in example applications, their scenarios and the verdict the talk predicts");
        cmd.SetAction(_ =>
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumn("example").AddColumn("what it does").AddColumn("expected");
            foreach (var e in ExampleCatalog.All())
            {
                try
                {
                    var s = ScenarioReader.Read(e.ScenarioPath);
                    table.AddRow(Markup.Escape(e.Name), Markup.Escape(s.Description ?? string.Empty), Markup.Escape(s.Expect ?? string.Empty));
                }
                catch (ScenarioException x)
                {
                    table.AddRow(Markup.Escape(e.Name), $"[red]{Markup.Escape(x.Message)}[/]", string.Empty);
                }
            }

            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"[grey]in {Markup.Escape(ExampleCatalog.Directory)}; run one with 'virtlab lab run NAME'[/]");
            return 0;
        });
        return cmd;
    }

    /// <summary>Reads and checks the scenario, then runs its build step and checks its files again.</summary>
    private static async Task<Scenario> LoadAsync(string argument, CancellationToken ct)
    {
        var s = ScenarioReader.Read(ExampleCatalog.Resolve(argument));
        ScenarioReader.CheckFiles(s);
        if (s.App.Build is { } build)
        {
            AnsiConsole.MarkupLine($"[grey]build: {Markup.Escape(build)}[/]");
            var psi = new ProcessStartInfo("/bin/sh") { WorkingDirectory = s.Directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add(build);
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync(ct);
            var stderr = p.StandardError.ReadToEndAsync(ct);
            await p.WaitForExitAsync(ct).ConfigureAwait(false);
            if (p.ExitCode != 0)
            {
                throw new LabWorldException($"the build step '{build}' failed in {s.Directory} (exit status {p.ExitCode}):\n{await stdout.ConfigureAwait(false)}{await stderr.ConfigureAwait(false)}");
            }
        }

        ScenarioReader.CheckFiles(s, afterBuild: true);
        return s;
    }

    /// <summary>Runs a lab command with Ctrl-C and SIGTERM turned into cancellation, and its failures into exit statuses.</summary>
    private static async Task<int> GuardedAsync(Func<CancellationToken, Task<int>> body, CancellationToken outer)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(outer);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; cts.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; cts.Cancel(); });
        try
        {
            return await body(cts.Token).ConfigureAwait(false);
        }
        catch (ScenarioException e)
        {
            await System.Console.Error.WriteLineAsync($"error: the scenario cannot run; nothing was started:{Environment.NewLine}{e.Message}").ConfigureAwait(false);
            return 2;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            await System.Console.Error.WriteLineAsync("interrupted: every VM the lab started is destroyed; 'virtlab lab run SCENARIO --resume DIR' runs the worlds that did not finish").ConfigureAwait(false);
            return 130;
        }
        catch (LabWorldException e)
        {
            await System.Console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    private static string DefaultReport(string name) =>
        Path.Combine(Environment.CurrentDirectory, $"lab-report-{name}-{DateTime.Now:yyyyMMdd-HHmmss}");

    /// <summary>Half the cores, and no more guests than this machine's available memory holds at ~1.5 GiB each (a guest plus QEMU and TCG's code buffer), at least 1.</summary>
    private static int DefaultJobs()
    {
        var available = 0L;
        foreach (var line in File.Exists("/proc/meminfo") ? File.ReadAllLines("/proc/meminfo") : [])
        {
            if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
            {
                _ = long.TryParse(line[13..].Replace("kB", string.Empty, StringComparison.Ordinal).Trim(), out available);
            }
        }

        return Math.Max(1, Math.Min(Environment.ProcessorCount / 2, (int)(available / (1536L * 1024))));
    }
}
