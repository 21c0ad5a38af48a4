using Virtlab.Engine.Migration;

namespace Virtlab.Engine.Tests;

/// <summary>The closed loop's prediction before a migration: pre-copy's arithmetic with measured inputs.</summary>
public sealed class ConvergencePlannerTests
{
    private const long Ram256M = 256L << 20;

    [Fact]
    public void Given_a_guest_dirtying_well_below_the_link_then_pre_copy_converges_by_itself()
    {
        var plan = ConvergencePlanner.Plan(new ConvergenceInputs(DirtyMiBs: 5, LinkMiBs: 100, Ram256M, DowntimeLimitMs: 300, PostcopyAllowed: false));

        Assert.True(plan.Feasible);
        Assert.Equal(0, plan.ThrottleInitial);
        Assert.False(plan.Xbzrle);
        Assert.False(plan.Postcopy);
        Assert.InRange(plan.PredictedSeconds!.Value, 2.56, 2.8); // one 256 MiB pass at 100 MiB/s, then a few small ones
    }

    [Fact]
    public void Given_a_guest_dirtying_faster_than_the_link_then_the_plan_throttles_just_enough_to_bring_it_under_80_percent()
    {
        var plan = ConvergencePlanner.Plan(new ConvergenceInputs(DirtyMiBs: 40, LinkMiBs: 10, Ram256M, DowntimeLimitMs: 100, PostcopyAllowed: false));

        Assert.True(plan.Feasible);
        Assert.Equal(80, plan.ThrottleInitial); // 40 MiB/s × (1 − 0.80) = 8 MiB/s = 80 % of 10 MiB/s
        Assert.True(plan.Xbzrle);
        Assert.Contains("80 %", plan.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_more_than_even_a_99_percent_throttle_can_tame_then_post_copy_is_planned_when_allowed()
    {
        var plan = ConvergencePlanner.Plan(new ConvergenceInputs(DirtyMiBs: 900, LinkMiBs: 10, Ram256M, DowntimeLimitMs: 100, PostcopyAllowed: true));

        Assert.True(plan.Feasible);
        Assert.True(plan.Postcopy);
        Assert.Null(plan.PredictedSeconds);
    }

    [Fact]
    public void Given_more_than_even_a_99_percent_throttle_can_tame_and_no_post_copy_then_the_plan_is_infeasible_and_says_why()
    {
        var plan = ConvergencePlanner.Plan(new ConvergenceInputs(DirtyMiBs: 900, LinkMiBs: 10, Ram256M, DowntimeLimitMs: 100, PostcopyAllowed: false));

        Assert.False(plan.Feasible);
        Assert.Contains("900 MiB/s", plan.Summary, StringComparison.Ordinal);
        Assert.Contains("9 MiB/s", plan.Summary, StringComparison.Ordinal); // what a 99 % throttle leaves
    }

    [Fact]
    public void Given_a_small_overshoot_then_the_throttle_is_at_least_qemus_smallest_useful_step() =>
        Assert.Equal(5, ConvergencePlanner.Plan(new ConvergenceInputs(8.1, 10, Ram256M, 300, false)).ThrottleInitial);
}
