using Virtlab.Api;
using Virtlab.Engine.Migration;

namespace Virtlab.Engine.Tests;

/// <summary>--max-downtime is judged on the longest stop the guest and the network saw, split at the switch-over.</summary>
public sealed class StallJudgeTests
{
    private const double SwitchAt = 1_800_000_010_000;

    private static GuestGapReport Heartbeat(params HeartbeatGap[] gaps) =>
        new(gaps.Max(g => g.Ms), gaps.Max(g => g.Ms), 1000, null, gaps);

    [Fact]
    public void Given_a_throttle_stall_before_the_switch_over_then_it_is_the_largest_stop_and_is_told_apart_from_the_downtime()
    {
        // The guest's clock ran 50 ms ahead of the host's on the source.
        var hb = Heartbeat(new HeartbeatGap(SwitchAt + 50 - 3000, 180), new HeartbeatGap(SwitchAt + 50 + 5, 30));

        var s = StallJudge.Judge(hb, null, qemuDowntimeMs: 26, sourceOffsetMs: 50, switchOverUnixMs: SwitchAt);

        Assert.Equal(180, s.BeforeSwitchOverMs);
        Assert.Equal(30, s.AfterSwitchOverMs);
        Assert.Equal(180, s.LargestMs);
        Assert.Contains("no external ping", s.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_ping_gap_longer_than_any_heartbeat_gap_then_the_ping_gap_is_the_stop_the_limit_is_judged_on()
    {
        var hb = Heartbeat(new HeartbeatGap(SwitchAt - 3000, 40));
        var ping = new PingReport("10.0.0.2", 10, 100, 95, 112, 50, 3, []);

        var s = StallJudge.Judge(hb, ping, 26, 0, SwitchAt);

        Assert.Equal(112, s.LargestMs);
        Assert.Equal(112, s.PingGapMs);
    }

    [Fact]
    public void Given_nothing_measured_then_only_qemus_downtime_counts_and_the_basis_says_so()
    {
        var s = StallJudge.Judge(null, null, 26, null, SwitchAt);

        Assert.Equal(26, s.LargestMs);
        Assert.Null(s.BeforeSwitchOverMs);
        Assert.Contains("QEMU's downtime only", s.Basis, StringComparison.Ordinal);
    }
}
