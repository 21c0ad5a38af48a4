using Virtlab.Engine.Migration;
using Virtlab.Qmp;

namespace Virtlab.Engine.Tests;

/// <summary>The closed loop in flight: it steps in only when passes stop making progress, one step at a time.</summary>
public sealed class ConvergenceMonitorTests
{
    private static MigrationInfo Pass(long pass, long remainingMiB, int throttle = 0, long expectedDowntimeMs = 5000) =>
        new("active", 1000, expectedDowntimeMs, null, 1,
            new MigrationRamStats(0, remainingMiB << 20, 256L << 20, 0, 0, 0, 0, 0, 80, pass, null, null, null, null, 4096),
            null, throttle, null);

    [Fact]
    public void Given_passes_that_keep_shrinking_the_remainder_then_it_does_nothing()
    {
        var monitor = new ConvergenceMonitor(100, throttling: true, postcopyAllowed: true);

        var steps = new[] { 200L, 100, 50, 25, 12, 6 }.Select((r, i) => monitor.Observe(Pass(i + 1, r))).ToList();

        Assert.All(steps, s => Assert.Equal(SteeringAction.None, s.Action));
    }

    [Fact]
    public void Given_three_passes_without_progress_then_it_makes_the_throttle_climb_faster_first()
    {
        var monitor = new ConvergenceMonitor(100, throttling: true, postcopyAllowed: true);

        var steps = new[] { 60L, 60, 60, 60 }.Select((r, i) => monitor.Observe(Pass(i + 1, r, throttle: 30))).ToList();

        Assert.Equal(SteeringAction.RaiseThrottleIncrement, steps[^1].Action);
        Assert.Equal(20, steps[^1].Value);
        Assert.Contains("throttle at 30 %", steps[^1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_the_throttle_at_its_cap_and_still_no_progress_then_it_switches_to_post_copy_once()
    {
        var monitor = new ConvergenceMonitor(100, throttling: true, postcopyAllowed: true);

        var steps = Enumerable.Range(1, 10).Select(i => monitor.Observe(Pass(i, 60, throttle: 99))).ToList();

        Assert.Single(steps, s => s.Action == SteeringAction.StartPostcopy);
        Assert.True(monitor.PostcopyStarted);
    }

    [Fact]
    public void Given_no_progress_but_an_expected_downtime_within_the_limit_then_qemu_is_about_to_switch_over_and_it_waits()
    {
        var monitor = new ConvergenceMonitor(300, throttling: true, postcopyAllowed: true);

        var steps = Enumerable.Range(1, 6).Select(i => monitor.Observe(Pass(i, 60, expectedDowntimeMs: 250))).ToList();

        Assert.All(steps, s => Assert.Equal(SteeringAction.None, s.Action));
    }

    [Fact]
    public void Given_no_throttling_and_no_post_copy_then_there_is_nothing_it_may_do()
    {
        var monitor = new ConvergenceMonitor(100, throttling: false, postcopyAllowed: false);

        Assert.All(Enumerable.Range(1, 8).Select(i => monitor.Observe(Pass(i, 60))), s => Assert.Equal(SteeringAction.None, s.Action));
    }

    [Fact]
    public void Given_the_same_pass_polled_again_then_it_counts_once()
    {
        var monitor = new ConvergenceMonitor(100, throttling: true, postcopyAllowed: false);

        var steps = Enumerable.Range(0, 20).Select(_ => monitor.Observe(Pass(1, 60))).ToList();

        Assert.All(steps, s => Assert.Equal(SteeringAction.None, s.Action));
    }

    [Fact]
    public void Given_the_throttle_at_the_plans_cap_below_99_then_it_switches_to_post_copy_instead_of_stalling_the_guest_more()
    {
        var monitor = new ConvergenceMonitor(150, throttling: true, postcopyAllowed: true, maxThrottle: 90);

        var steps = Enumerable.Range(1, 4).Select(i => monitor.Observe(Pass(i, 60, throttle: 90))).ToList();

        Assert.Equal(SteeringAction.StartPostcopy, steps[^1].Action);
        Assert.Contains("throttle at 90 % (its cap", steps[^1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_promised_limit_without_post_copy_and_the_throttle_at_its_cap_then_it_gives_up_instead_of_resending_for_ever()
    {
        var monitor = new ConvergenceMonitor(150, throttling: true, postcopyAllowed: false, maxThrottle: 90, promised: true);

        var steps = Enumerable.Range(1, 4).Select(i => monitor.Observe(Pass(i, 60, throttle: 90))).ToList();

        Assert.Equal(SteeringAction.GiveUp, steps[^1].Action);
        Assert.Contains("cap of 90 %", steps[^1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_promised_limit_and_the_throttle_below_its_cap_then_it_does_not_give_up_yet()
    {
        var monitor = new ConvergenceMonitor(150, throttling: true, postcopyAllowed: false, maxThrottle: 90, promised: true);

        var steps = Enumerable.Range(1, 20).Select(i => monitor.Observe(Pass(i, 60, throttle: 50))).ToList();

        Assert.DoesNotContain(steps, s => s.Action == SteeringAction.GiveUp);
    }
}
