using System.Text.RegularExpressions;

namespace Virtlab.Lab.Scenarios;

/// <summary>
/// Something done to a VM world during the run, at a time after the application started (or became ready), or when a
/// line of its output first matches <see cref="On"/> (plus <see cref="Delay"/>). In the host world events do not
/// apply and are recorded as skipped.
/// </summary>
/// <param name="Line">The scenario line the event was written on (for messages).</param>
public sealed record EventSpec(TimeSpan? At, Regex? On, TimeSpan Delay, LabAction Action, int Line);

/// <summary>What an event does; <see cref="Describe"/> says it in the CLI's words ("setvcpus 4 --live").</summary>
public abstract record LabAction
{
    public abstract string Describe();
}

/// <summary><c>setvcpus: N</c> (hot-plug, --live) or <c>setvcpus: {count: N, guest: true}</c> (on/offline in the guest only).</summary>
public sealed record SetVcpusAction(int Count, bool Guest) : LabAction
{
    public override string Describe() => $"setvcpus {Count} {(Guest ? "--guest" : "--live")}";
}

/// <summary><c>setmem: SIZE</c>: balloon below the plugged RAM, DIMM above it.</summary>
public sealed record SetMemAction(string Size) : LabAction
{
    public override string Describe() => $"setmem {Size} --live";
}

/// <summary><c>autoballoon: {min, max, target_free}</c>: the daemon's automatic balloon from then on.</summary>
public sealed record AutoBalloonAction(string Min, string Max, int? TargetFreePercent) : LabAction
{
    public override string Describe() => $"autoballoon --min {Min} --max {Max}" + (TargetFreePercent is { } p ? $" --target-free {p}" : string.Empty);
}

/// <summary><c>suspend: D</c>: suspend, D later resume (without correcting the clock: that is a separate event).</summary>
public sealed record SuspendAction(TimeSpan For) : LabAction
{
    public override string Describe() => $"suspend {For.TotalSeconds:0.###} s, resume";
}

/// <summary><c>clock_step: ±S</c>: the guest's wall clock set S seconds away from the host's (domtime --time).</summary>
public sealed record ClockStepAction(TimeSpan By) : LabAction
{
    public override string Describe() => $"clock step {(By < TimeSpan.Zero ? "-" : "+")}{Math.Abs(By.TotalSeconds):0.###} s";
}

/// <summary><c>domtime_sync: true</c>: the guest's wall clock set from the host's (domtime --sync).</summary>
public sealed record DomTimeSyncAction : LabAction
{
    public override string Describe() => "domtime --sync";
}

/// <summary><c>migrate: {max_downtime, auto_converge, postcopy, bandwidth}</c>: live migration to the other lab host.</summary>
public sealed record MigrateAction(TimeSpan? MaxDowntime, bool AutoConverge, bool Postcopy, int? BandwidthMiBs) : LabAction
{
    public override string Describe() =>
        "migrate --live" + (MaxDowntime is { } d ? $" --max-downtime {d.TotalMilliseconds:0}" : string.Empty)
        + (AutoConverge ? " --auto-converge" : string.Empty) + (Postcopy ? " --postcopy" : string.Empty)
        + (BandwidthMiBs is { } b ? $" --bandwidth {b}" : string.Empty);
}
