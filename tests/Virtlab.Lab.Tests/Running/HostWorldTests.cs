using System.Text.RegularExpressions;
using Virtlab.Lab.Checks;
using Virtlab.Lab.Results;
using Virtlab.Lab.Running;
using Virtlab.Lab.Scenarios;

namespace Virtlab.Lab.Tests.Running;

/// <summary>
/// The host world end to end on this machine: a real program under the real static probe (the one the image build
/// leaves beside the image), its output stamped, sampled beside it, judged, and runs/host/ written. Skips without
/// the probe (run 'make image'), except in CI, where it fails.
/// </summary>
public sealed class HostWorldTests : IDisposable
{
    private readonly string _report = Directory.CreateTempSubdirectory("vl-hostworld-").FullName;

    [Fact]
    public async Task A_program_on_this_machine_is_run_sampled_and_judged_by_what_it_printed()
    {
        var probe = Probe();
        var script = Path.Combine(_report, "app.sh");
        await File.WriteAllTextAsync(script, $"#!/bin/sh\nn=$(nproc)\nfor i in 1 2 3 4 5 6; do echo \"workers=$n\"; echo beat; sleep 0.2; done\necho 'done' >&2\nexit 0\n", TestContext.Current.CancellationToken);
        File.SetUnixFileMode(script, (UnixFileMode)0x1ED);
        var scenario = Scenario(
            [new AppFile(script, "app.sh")],
            ["./app.sh"],
            new ExitCheck("exit 0", [0]),
            new OutputCheck("says done", new Regex("^done$"), true),
            new MetricCheck("pool follows the CPUs", "workers", CheckEvaluator.DefaultPattern("workers"), null, null, ProbeField.Nproc, TimeSpan.FromSeconds(1)),
            new HeartbeatCheck("heartbeat", new Regex("^beat$"), TimeSpan.FromMilliseconds(800), StampClock.Monotonic));
        var world = new WorldSpec("host", "host (this machine)", WorldKind.Host, null, null, null, null);
        var dir = Path.Combine(_report, "runs", "host");
        var runner = new WorldRunner(scenario, dir, _ => { });

        WorldRun run;
        await using (var host = new HostWorld(world, dir, probe))
        {
            run = await runner.RunAsync(host, [new EventSpec(TimeSpan.FromMilliseconds(100), null, TimeSpan.Zero, new SetVcpusAction(2, false), 1)], null, TestContext.Current.CancellationToken);
        }

        Assert.Null(run.Error);
        Assert.Equal(Verdict.Passed, run.Verdict);
        Assert.All(run.Checks, c => Assert.Equal(Verdict.Passed, c.Verdict));
        Assert.Equal(0, run.Exit!.Code);
        Assert.Equal(6, run.Output.Count(l => l.Text.StartsWith("workers=", StringComparison.Ordinal)));
        Assert.Contains(run.Output, l => l is { Stream: "err", Text: "done" });
        Assert.NotEmpty(run.Samples);
        Assert.All(run.Samples, s => Assert.Equal(Environment.ProcessorCount, s.Nproc));
        var skipped = Assert.Single(run.Events);
        Assert.Equal("skipped", skipped.Outcome);
        Assert.False(string.IsNullOrEmpty(run.Facts!.ModelName));
        Assert.True(File.Exists(Path.Combine(dir, "app.log")));
        Assert.True(File.Exists(Path.Combine(dir, "samples.jsonl")));
    }

    [Fact]
    public async Task A_program_killed_by_a_signal_is_a_failed_verdict_with_the_signal_not_a_lab_error()
    {
        var probe = Probe();
        var scenario = Scenario([], ["/bin/sh", "-c", "echo start; kill -ILL $$"], new ExitCheck("exit 0", [0]));
        var world = new WorldSpec("host", "host (this machine)", WorldKind.Host, null, null, null, null);
        var dir = Path.Combine(_report, "runs", "host");

        WorldRun run;
        await using (var host = new HostWorld(world, dir, probe))
        {
            run = await new WorldRunner(scenario, dir, _ => { }).RunAsync(host, [], null, TestContext.Current.CancellationToken);
        }

        Assert.Equal(Verdict.Failed, run.Verdict);
        Assert.Equal(4, run.Exit!.Signal);
        var check = Assert.Single(run.Checks);
        Assert.Contains("SIGILL", check.Message);
    }

    [Fact]
    public async Task A_program_that_runs_past_its_timeout_is_killed_and_judged()
    {
        var probe = Probe();
        var scenario = Scenario([], ["/bin/sleep", "30"], new ExitCheck("exit 0", [0])) is var s
            ? s with { App = s.App with { Timeout = TimeSpan.FromSeconds(1) } }
            : null!;
        var world = new WorldSpec("host", "host (this machine)", WorldKind.Host, null, null, null, null);
        var dir = Path.Combine(_report, "runs", "host");

        WorldRun run;
        await using (var host = new HostWorld(world, dir, probe))
        {
            run = await new WorldRunner(scenario, dir, _ => { }).RunAsync(host, [], null, TestContext.Current.CancellationToken);
        }

        Assert.True(run.Exit!.TimedOut);
        Assert.Equal(Verdict.Failed, run.Verdict);
        Assert.StartsWith("still running at the timeout", Assert.Single(run.Checks).Message);
        Assert.True(run.DurationSeconds < 10, $"took {run.DurationSeconds} s");
    }

    public void Dispose() => Directory.Delete(_report, recursive: true);

    private static string Probe()
    {
        if (File.Exists(ProbeBinary.Path))
        {
            return ProbeBinary.Path;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail($"CI=true and the probe is missing at {ProbeBinary.Path} (make test builds the image, which leaves it there)");
        }

        Assert.Skip($"the probe is not at {ProbeBinary.Path}: run 'make image'");
        return null!;
    }

    private static Scenario Scenario(IReadOnlyList<AppFile> files, IReadOnlyList<string> run, params CheckSpec[] checks) =>
        new(
            "host-world-test",
            null,
            null,
            "/nonexistent/scenario.yaml",
            new AppSpec(run, files, null, TimeSpan.FromSeconds(30), null, new Dictionary<string, string>()),
            checks,
            new WorldsSpec(true, [], [], [], [], [], []),
            [],
            1,
            null);
}
