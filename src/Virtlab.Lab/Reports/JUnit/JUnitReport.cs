using System.Globalization;
using System.Xml.Linq;
using Virtlab.Lab.Results;

namespace Virtlab.Lab.Reports.JUnit;

/// <summary>
/// junit.xml in the Ant/Jenkins JUnit format CI systems read: one testsuite per world (name = id and label), one
/// testcase per check (classname = scenario and world id). It is valid under both the Jenkins xUnit plugin's
/// junit-10.xsd and the stricter Ant schema (windyroad JUnit.xsd): every suite has properties, system-out and
/// system-err in that order, a package and an id, and a timestamp without a zone; the root has no attributes.
/// </summary>
internal static class JUnitReport
{
    /// <summary>How many of the application's last output lines a suite's system-out carries.</summary>
    public const int OutputLines = 200;

    public static XDocument Build(LabRun run) =>
        new(new XDeclaration("1.0", "utf-8", null),
            new XElement("testsuites", run.Worlds.Select((w, i) => Suite(run, w, i))));

    private static XElement Suite(LabRun run, WorldRun world, int index)
    {
        var cases = Cases(run, world).ToList();
        var counted = cases.Select(c => c.Verdict).ToList();
        return new XElement("testsuite",
            new XAttribute("name", Text($"{world.Id}: {world.Label}")),
            new XAttribute("tests", counted.Count),
            new XAttribute("failures", counted.Count(v => v == Verdict.Failed)),
            new XAttribute("errors", counted.Count(v => v == Verdict.Error)),
            new XAttribute("skipped", counted.Count(v => v == Verdict.Skipped)),
            new XAttribute("time", Time(world.DurationSeconds)),
            new XAttribute("timestamp", world.StartedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)),
            new XAttribute("hostname", string.IsNullOrWhiteSpace(run.Machine.HostName) ? "localhost" : Text(run.Machine.HostName)),
            new XAttribute("package", Text(run.Scenario)),
            new XAttribute("id", index),
            Properties(run, world),
            cases.Select(c => c.Element),
            new XElement("system-out", Text(Output(world, "out"))),
            new XElement("system-err", Text(Output(world, "err"))));
    }

    /// <summary>
    /// One testcase per scenario check; a world the lab could not run has each check as an error. A check is judged
    /// after the run, from what was recorded, in no measurable time: its time is 0 and the world's wall time is the
    /// suite's (no made-up split of it across the checks).
    /// </summary>
    private static IEnumerable<(Verdict Verdict, XElement Element)> Cases(LabRun run, WorldRun world)
    {
        var names = run.Checks.Concat(world.Checks.Select(c => c.Name)).Distinct(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var result = world.Checks.FirstOrDefault(c => c.Name == name)
                ?? new CheckResult(name, world.Verdict == Verdict.Skipped ? Verdict.Skipped : Verdict.Error,
                    world.Error ?? "the world produced no result for this check", null, null);
            var testcase = new XElement("testcase",
                new XAttribute("name", Text(name)),
                new XAttribute("classname", Text($"{run.Scenario}.{world.Id}")),
                new XAttribute("time", "0.000"));
            var detail = result.Explanation is null ? result.Message : $"{result.Message}\n{result.Explanation}";
            if (result.AtSeconds is { } at)
            {
                detail += $"\nat t={ReportText.Seconds(at)}";
            }

            switch (result.Verdict)
            {
                case Verdict.Failed:
                    testcase.Add(new XElement("failure", new XAttribute("message", Text(result.Message)), new XAttribute("type", "check failed"), Text(detail)));
                    break;
                case Verdict.Error:
                    testcase.Add(new XElement("error", new XAttribute("message", Text(result.Message)), new XAttribute("type", world.Error is null ? "check error" : "lab error"), Text(detail)));
                    break;
                case Verdict.Skipped:
                    testcase.Add(new XElement("skipped", new XAttribute("message", Text(result.Message))));
                    break;
            }

            yield return (result.Verdict, testcase);
        }
    }

    private static XElement Properties(LabRun run, WorldRun world)
    {
        var props = new List<(string Name, string? Value)>
        {
            ("world.id", world.Id), ("world.label", world.Label), ("world.kind", world.Kind), ("world.verdict", world.Verdict.ToString().ToLowerInvariant()),
            ("cpu", world.Cpu), ("vcpus", world.Vcpus), ("memory", world.Memory), ("accel", world.Accel), ("error", world.Error),
            ("facts.model_name", world.Facts?.ModelName), ("facts.clocksource", world.Facts?.Clocksource),
            ("facts.pmu", world.Facts is null ? null : world.Facts.Pmu ? "yes" : world.Facts.PmuDetail ?? "no"),
            ("exit", world.Exit is null ? null : ExitText(world.Exit)),
            ("scenario.file", run.ScenarioFile), ("expect", run.Expect),
            ("machine.qemu", run.Machine.QemuVersion), ("machine.accel", run.Machine.Accel),
        };
        return new XElement("properties", props.Where(p => p.Value is not null)
            .Select(p => new XElement("property", new XAttribute("name", p.Name), new XAttribute("value", Text(p.Value)))));
    }

    public static string ExitText(AppExit exit) =>
        exit.TimedOut ? $"killed at the timeout (t={ReportText.Seconds(exit.AtSeconds)})"
        : exit.Signal is { } s ? $"signal {s} at t={ReportText.Seconds(exit.AtSeconds)}"
        : $"exit status {exit.Code} at t={ReportText.Seconds(exit.AtSeconds)}";

    private static string Output(WorldRun world, string stream)
    {
        var lines = world.Output.Where(l => l.Stream == stream).TakeLast(OutputLines)
            .Select(l => string.Create(CultureInfo.InvariantCulture, $"[{l.AtSeconds,8:0.000}] {l.Text}"));
        return string.Join("\n", lines);
    }

    private static string Time(double seconds) => Math.Max(0, seconds).ToString("0.000", CultureInfo.InvariantCulture);

    private static string Text(string? text) => ReportText.Clean(text);
}
