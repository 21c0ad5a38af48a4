using System.Text.RegularExpressions;
using Virtlab.Lab.Checks;
using Virtlab.Lab.Results;
using Virtlab.Lab.Scenarios;

namespace Virtlab.Lab.Tests.Checks;

/// <summary>The verdicts and their explanations, from what a world's run left (pure: no world needed).</summary>
public sealed class CheckEvaluatorTests
{
    private static readonly EventRecord Plug = new("setvcpus 4 --live", 5.0, 6.2, "ok", "ok: QEMU 4 vCPUs, guest 4 online");

    [Fact]
    public void Given_a_pool_that_stays_at_two_after_the_guest_goes_to_four_then_it_fails_with_the_probe_line_and_the_event()
    {
        var check = new MetricCheck("pool follows the CPUs", "workers", CheckEvaluator.DefaultPattern("workers"), null, null, ProbeField.Online, TimeSpan.FromSeconds(2));
        var o = Observation(
            output: Enumerable.Range(0, 40).Select(i => Line(i * 0.25, "workers=2")),
            samples: Enumerable.Range(0, 40).Select(i => Sample(i * 0.25, online: i * 0.25 < 6.0 ? 2 : 4)),
            events: [Plug]);

        var r = Assert.Single(CheckEvaluator.Evaluate([check], o));

        Assert.Equal(Verdict.Failed, r.Verdict);
        Assert.Equal("workers=2 at t=8.3 s while online CPUs=4", r.Message);
        Assert.Equal("the world went from 2 to 4 online CPUs at t=6.0 s, after setvcpus 4 --live at t=5.0 s; the application's workers stayed at 2", r.Explanation);
        Assert.Equal(8.25, r.AtSeconds);
    }

    [Fact]
    public void Given_a_pool_that_follows_the_cpus_within_the_grace_then_it_passes()
    {
        var check = new MetricCheck("pool", "workers", CheckEvaluator.DefaultPattern("workers"), null, null, ProbeField.Online, TimeSpan.FromSeconds(2));
        var o = Observation(
            output: Enumerable.Range(0, 40).Select(i => Line(i * 0.25, $"workers={(i * 0.25 < 7.0 ? 2 : 4)}")),
            samples: Enumerable.Range(0, 40).Select(i => Sample(i * 0.25, online: i * 0.25 < 6.0 ? 2 : 4)),
            events: [Plug]);

        var r = Assert.Single(CheckEvaluator.Evaluate([check], o));

        Assert.Equal(Verdict.Passed, r.Verdict);
        Assert.Equal("workers followed online CPUs at all 40 readings (1 changes of online CPUs)", r.Message);
    }

    [Fact]
    public void Given_an_application_killed_by_sigill_then_the_exit_check_fails_and_says_a_cpu_feature_is_missing()
    {
        var o = Observation(exit: new AppExit(null, 4, false, 0.1));

        var r = Assert.Single(CheckEvaluator.Evaluate([new ExitCheck("exit 0", [0])], o));

        Assert.Equal(Verdict.Failed, r.Verdict);
        Assert.Equal("ended by signal 4 (SIGILL), expected exit status 0", r.Message);
        Assert.StartsWith("SIGILL: the CPU has no such instruction", r.Explanation);
    }

    [Theory]
    [InlineData(0, false, Verdict.Passed, "exit status 0")]
    [InlineData(3, false, Verdict.Failed, "exit status 3, expected 0")]
    [InlineData(null, true, Verdict.Failed, "still running at the timeout: killed at t=60.0 s")]
    public void Given_an_exit_then_the_exit_check_judges_it(int? code, bool timedOut, Verdict verdict, string message)
    {
        var o = Observation(exit: new AppExit(code, timedOut ? 9 : null, timedOut, 60));

        var r = Assert.Single(CheckEvaluator.Evaluate([new ExitCheck("exit 0", [0])], o));

        Assert.Equal(verdict, r.Verdict);
        Assert.Equal(message, r.Message);
    }

    [Fact]
    public void Given_no_exit_line_then_the_exit_check_is_an_error_not_a_pass()
    {
        var r = Assert.Single(CheckEvaluator.Evaluate([new ExitCheck("exit 0", [0])], Observation()));

        Assert.Equal(Verdict.Error, r.Verdict);
    }

    [Fact]
    public void Given_an_absent_pattern_that_appears_after_an_event_then_it_fails_naming_the_line_and_the_event()
    {
        var o = Observation(output: [Line(1, "cpus=2"), Line(6.5, "licence violated: 4 CPUs > 2")], events: [Plug]);

        var r = Assert.Single(CheckEvaluator.Evaluate([new OutputCheck("no violation", new Regex("licence violated"), false)], o));

        Assert.Equal(Verdict.Failed, r.Verdict);
        Assert.Equal("'licence violated: 4 CPUs > 2' at t=6.5 s", r.Message);
        Assert.Equal("after setvcpus 4 --live at t=5.0 s", r.Explanation);
    }

    [Fact]
    public void Given_a_metric_above_its_maximum_then_it_fails_at_that_value()
    {
        var o = Observation(output: [Line(1, "latency_ms=3"), Line(2, "latency_ms=75.5"), Line(3, "latency_ms=4")]);
        var check = new MetricCheck("latency", "latency_ms", CheckEvaluator.DefaultPattern("latency_ms"), null, 50, null, TimeSpan.Zero);

        var r = Assert.Single(CheckEvaluator.Evaluate([check], o));

        Assert.Equal(Verdict.Failed, r.Verdict);
        Assert.Equal("latency_ms=75.5 at t=2.0 s, above the maximum 50", r.Message);
    }

    [Fact]
    public void Given_heartbeats_with_a_gap_longer_than_the_limit_by_the_worlds_clock_then_it_fails()
    {
        var beats = new[] { 0.0, 0.1, 0.2, 2.4, 2.5 }.Select(t => Line(t, "beat")).ToList();
        var check = new HeartbeatCheck("heartbeat", new Regex("^beat"), TimeSpan.FromMilliseconds(500), StampClock.Monotonic);

        var r = Assert.Single(CheckEvaluator.Evaluate([check], Observation(output: beats)));

        Assert.Equal(Verdict.Failed, r.Verdict);
        Assert.Equal("longest gap 2200 ms by the world's CLOCK_MONOTONIC, after the beat at t=0.2 s (limit 500 ms, 5 beats)", r.Message);
    }

    [Fact]
    public void Given_one_failed_check_among_passing_ones_then_the_world_fails()
    {
        CheckResult[] results = [new("a", Verdict.Passed, "", null, null), new("b", Verdict.Failed, "", null, null), new("c", Verdict.Error, "", null, null)];

        Assert.Equal(Verdict.Failed, CheckEvaluator.Overall(results));
        Assert.Equal(Verdict.Error, CheckEvaluator.Overall(results[2..]));
        Assert.Equal(Verdict.Passed, CheckEvaluator.Overall(results[..1]));
    }

    [Theory]
    [InlineData(false, "its last line: 'perf_event_open(cycles): ENOENT (No such file or directory)'; this world has no hardware PMU (the probe: Performance Events: PMU not available due to virtualization)")]
    [InlineData(true, "its last line: 'perf_event_open(cycles): ENOENT (No such file or directory)'")]
    public void Given_a_perf_event_failure_then_the_explanation_names_a_missing_pmu_only_where_the_probe_found_none(bool pmu, string why)
    {
        var facts = new WorldFacts("QEMU TCG CPU", ["fpu"], "tsc", pmu, pmu ? null : "Performance Events: PMU not available due to virtualization", 1, 241234);
        var o = Observation(output: [Line(0.1, "perf_event_open(cycles): ENOENT (No such file or directory)")], exit: new AppExit(4, null, false, 0.1), facts: facts);

        var r = Assert.Single(CheckEvaluator.Evaluate([new ExitCheck("exit 0", [0])], o));

        Assert.Equal(Verdict.Failed, r.Verdict);
        Assert.Equal(why, r.Explanation);
    }

    private static OutputLine Line(double at, string text) => new(at, 1000 + (at * 1000), 5000 + (at * 1000), "out", text);

    private static ProbeSample Sample(double at, int online) =>
        new(at, online, online, online, online == 2 ? "0-1" : "0-3", 241234, 190000, "tsc", 1000 + (at * 1000), 5000 + (at * 1000), 250, 0, null);

    private static WorldObservation Observation(
        IEnumerable<OutputLine>? output = null, AppExit? exit = null, IEnumerable<ProbeSample>? samples = null, IReadOnlyList<EventRecord>? events = null,
        WorldFacts? facts = null) =>
        new([.. output ?? []], exit, [.. samples ?? []], events ?? [], [], facts);
}
