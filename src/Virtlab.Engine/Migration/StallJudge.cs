using Virtlab.Api;

namespace Virtlab.Engine.Migration;

/// <summary>
/// --max-downtime judged on what the application sees: the largest of the in-guest heartbeat's gaps, the external
/// ping's largest gap and QEMU's stop-and-copy downtime. The heartbeat's gaps are split at the switch-over: the guest
/// ran on the source with its clock at the source's offset until then, so a gap whose first stamp, brought to host time
/// by that offset, precedes the switch-over is a stall before it (the throttle's sleeps, TCG's contention), and the
/// rest are the switch-over's resume and post-copy's page faults.
/// </summary>
public static class StallJudge
{
    public static GuestStalls Judge(GuestGapReport? heartbeat, PingReport? ping, long? qemuDowntimeMs, double? sourceOffsetMs, double? switchOverUnixMs)
    {
        double? before = null, after = null;
        if (heartbeat?.Gaps is { } gaps && sourceOffsetMs is { } offset && switchOverUnixMs is { } at)
        {
            var pre = gaps.Where(g => g.AtUnixMs - offset < at).Select(g => g.Ms).DefaultIfEmpty(0).Max();
            var post = gaps.Where(g => g.AtUnixMs - offset >= at).Select(g => g.Ms).DefaultIfEmpty(0).Max();
            before = pre;
            after = post;
        }

        var hb = heartbeat?.LargestGapMs;
        var pg = ping?.LargestGapMs;
        var largest = new[] { hb, pg, (double?)qemuDowntimeMs }.Where(v => v is not null).Select(v => v!.Value).DefaultIfEmpty(0).Max();
        var basis = (hb, pg) switch
        {
            (not null, not null) => "the in-guest heartbeat, the external ping and QEMU's downtime",
            (not null, null) => "the in-guest heartbeat and QEMU's downtime (no external ping: the guest has no lab-network address)",
            (null, not null) => "the external ping and QEMU's downtime (no heartbeat: the guest agent did not answer)",
            _ => "QEMU's downtime only: nothing in or outside the guest was measured (no guest agent, no lab-network address)",
        };
        return new GuestStalls(before, after, hb, pg, largest, basis);
    }
}
