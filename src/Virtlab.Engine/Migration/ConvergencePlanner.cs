using System.Globalization;

namespace Virtlab.Engine.Migration;

/// <summary>What the closed loop knows before a migration starts: measured, not assumed.</summary>
/// <param name="DirtyMiBs">The guest's dirty rate (QEMU's calc-dirty-rate, page sampling).</param>
/// <param name="LinkMiBs">What the path to the destination carries: the --bandwidth cap, or measured.</param>
/// <param name="RamBytes">What QEMU's first pass sends: the guest RAM it has touched (zero pages cost next to nothing).</param>
/// <param name="DowntimeLimitMs">--max-downtime: the longest the guest may stop, as the guest and the network see it.</param>
/// <param name="PostcopyAllowed">--postcopy was given.</param>
/// <param name="BaselineStallMs">The largest heartbeat gap the guest shows with no migration running (the host's load alone); null: not measured.</param>
public sealed record ConvergenceInputs(double DirtyMiBs, double LinkMiBs, long RamBytes, int DowntimeLimitMs, bool PostcopyAllowed, double? BaselineStallMs = null);

/// <summary>How the closed loop will run a migration, and what it predicts.</summary>
/// <param name="Feasible">The limit can be met (possibly with throttling or post-copy).</param>
/// <param name="ThrottleInitial">auto-converge's first throttle step, in percent; 0 = no throttling planned.</param>
/// <param name="Xbzrle">Re-sent pages go XBZRLE-compressed.</param>
/// <param name="Postcopy">Switch to post-copy after the first pass (pre-copy alone cannot meet the limit).</param>
/// <param name="PredictedSeconds">Time to converge under the plan's model (null for post-copy).</param>
/// <param name="Summary">One sentence with the numbers, for the user.</param>
/// <param name="MaxThrottle">QEMU's max-cpu-throttle for this migration: the largest throttle whose stalls fit the limit.</param>
/// <param name="QemuDowntimeLimitMs">QEMU's downtime-limit: the limit less what the switch-over costs beyond QEMU's own figure.</param>
public sealed record ConvergencePlan(bool Feasible, int ThrottleInitial, bool Xbzrle, bool Postcopy, double? PredictedSeconds, string Summary, int MaxThrottle = ConvergencePlanner.QemuMaxThrottle, int? QemuDowntimeLimitMs = null);

/// <summary>
/// Pre-copy's arithmetic, with the guest's stalls counted. Each pass resends what the guest dirtied during the previous
/// one: with a dirty rate D and a link B, the remaining memory shrinks by D/B per pass, so it converges only when
/// D &lt; B. Throttling the vCPUs by p % cuts D to D·(1−p); the plan asks for the smallest throttle that brings D below
/// <see cref="Margin"/>·B. But a throttle is not free: QEMU's throttle (softmmu/cpu-throttle.c) runs each vCPU for a
/// 10 ms time slice and then makes it sleep p/(1−p) slices, so at 99 % the guest stops for about a second at a time,
/// far beyond any --max-downtime. The limit is what the application sees, so the plan caps the throttle
/// (<see cref="MaxThrottleFor"/>) where its stall fits the limit; when the throttle that converges is above that cap,
/// only post-copy (the guest runs on the destination and fetches its remaining pages on demand) can meet the limit,
/// and without post-copy the migration is refused up front with the numbers. Where post-copy is allowed it is preferred
/// to any throttle: measured, a throttle at its cap still stalls the guest past the limit in about half the runs.
/// </summary>
public static class ConvergencePlanner
{
    /// <summary>The share of the link the dirty rate may use and still converge briskly.</summary>
    public const double Margin = 0.8;

    /// <summary>QEMU's max-cpu-throttle default (and ceiling).</summary>
    public const int QemuMaxThrottle = 99;

    /// <summary>QEMU's CPU_THROTTLE_TIMESLICE_NS (a compile-time constant): the slice a throttled vCPU runs between sleeps.</summary>
    public const double ThrottleSliceMs = 10;

    /// <summary>
    /// How many throttle periods one guest-visible stall spans at worst: the vCPU runs one 10 ms slice per period, and
    /// under TCG that slice can pass without the guest's task getting scheduled, so a task waits through two sleeps
    /// (measured: 99 % gave heartbeat gaps of 2.15 s for a 0.99 s sleep).
    /// </summary>
    public const int StallPeriods = 2;

    /// <summary>What the switch-over costs beyond QEMU's stop-and-copy figure: resuming on the destination and the
    /// network learning the guest's new port (measured here: ping gap − QEMU downtime ≈ 40-70 ms).</summary>
    public const int SwitchOverAllowanceMs = 50;

    /// <summary>The longest guest-visible stall a throttle of <paramref name="percent"/> % causes, in the model above.</summary>
    public static double ThrottleStallMs(int percent) =>
        percent <= 0 ? 0 : StallPeriods * ThrottleSliceMs * 100 / (100 - Math.Min(percent, QemuMaxThrottle));

    /// <summary>The largest throttle whose stalls stay within <paramref name="limitMs"/> (0: none does).</summary>
    public static int MaxThrottleFor(int limitMs)
    {
        var p = (int)Math.Floor(100 - (StallPeriods * ThrottleSliceMs * 100 / Math.Max(1, limitMs)));
        return Math.Clamp(p, 0, QemuMaxThrottle);
    }

    public static ConvergencePlan Plan(ConvergenceInputs x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var budget = Margin * x.LinkMiBs;
        var limit = x.DowntimeLimitMs;
        var limitS = limit / 1000.0;
        var ramMiB = x.RamBytes / (1024.0 * 1024.0);
        var cap = MaxThrottleFor(limit);
        var qemuLimit = Math.Max(limit / 2, limit - SwitchOverAllowanceMs);
        if (limit < SwitchOverAllowanceMs + 10)
        {
            return new(false, 0, false, false, null, Say(
                $"the switch-over alone stops the guest for about {SwitchOverAllowanceMs} ms beyond QEMU's stop-and-copy (resuming on the destination, the network learning its new port), more than a {limit} ms limit leaves"), cap, qemuLimit);
        }

        if (x.BaselineStallMs is { } idle && idle > limit)
        {
            return new(false, 0, false, false, null, Say(
                $"the guest already stops for {idle:0} ms at a time with no migration running (the host is overloaded: its vCPU threads wait for a core), more than the {limit} ms limit, and no migration method can stall it less than that"), cap, qemuLimit);
        }

        if (x.DirtyMiBs <= budget)
        {
            var t = Predict(ramMiB, x.DirtyMiBs, x.LinkMiBs, qemuLimit / 1000.0);
            return new(true, 0, false, false, t, Say(
                $"the guest dirties {x.DirtyMiBs:0.#} MiB/s and the link carries {x.LinkMiBs:0.#} MiB/s: pre-copy converges by itself in about {t:0.#} s"), cap, qemuLimit);
        }

        var throttle = Math.Max(5, (int)Math.Ceiling(100 * (1 - (budget / x.DirtyMiBs))));
        if (x.PostcopyAllowed)
        {
            // Post-copy stops the guest only for the pages it fetches; a throttle near its cap stops it for its whole
            // sleep, which TCG stretches past the model (bench/migration/downtime.sh: at a 200 ms limit the 90 % cap
            // stalled the guest 197 (138-399) ms and missed the limit in half the runs; post-copy after the first pass
            // held it in 19 of 20). Where post-copy may be used, it is the plan whenever pre-copy needs a throttle.
            return new(true, 0, false, true, null, Say(
                $"the guest dirties {x.DirtyMiBs:0.#} MiB/s, more than {Margin:P0} of the link's {x.LinkMiBs:0.#} MiB/s: pre-copy needs a {Math.Min(throttle, QemuMaxThrottle)} % throttle, whose stalls (QEMU sleeps each vCPU after every 10 ms slice) can exceed the {limit} ms limit, so post-copy takes over after the first pass"), cap, qemuLimit);
        }

        if (throttle <= cap)
        {
            var dirty = x.DirtyMiBs * (1 - (throttle / 100.0));
            var t = Predict(ramMiB, dirty, x.LinkMiBs, qemuLimit / 1000.0);
            return new(true, throttle, true, false, t, Say(
                $"the guest dirties {x.DirtyMiBs:0.#} MiB/s, more than {Margin:P0} of the link's {x.LinkMiBs:0.#} MiB/s: throttling its vCPUs by {throttle} % (auto-converge, capped at {cap} %: stalls up to about {ThrottleStallMs(cap):0} ms) and XBZRLE make pre-copy converge in about {t:0.#} s"), cap, qemuLimit);
        }

        var need = throttle > QemuMaxThrottle
            ? Say($"the guest dirties {x.DirtyMiBs:0.#} MiB/s, more than even QEMU's {QemuMaxThrottle} % throttle brings under {Margin:P0} of the link's {x.LinkMiBs:0.#} MiB/s")
            : Say($"the guest dirties {x.DirtyMiBs:0.#} MiB/s and the link carries {x.LinkMiBs:0.#} MiB/s: pre-copy needs a {throttle} % throttle, whose stalls (QEMU sleeps each vCPU {throttle}/{100 - throttle} × 10 ms after every 10 ms slice) reach about {ThrottleStallMs(throttle):0} ms, over the {limit} ms limit");
        var why = Say($"{need}; the largest throttle whose stalls fit, {cap} %, leaves {x.DirtyMiBs * (100 - cap) / 100:0.#} MiB/s");
        // Without post-copy: refused unless --force, which runs the capped throttle with XBZRLE and no promise.
        return new(false, cap, true, false, null, Say($"{why}, so pre-copy cannot keep the guest's stalls within {limit} ms"), cap, qemuLimit);
    }

    private static string Say(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    /// <summary>Seconds of pre-copy until the remainder fits the limit: the passes form a geometric series.</summary>
    private static double Predict(double ramMiB, double dirtyMiBs, double linkMiBs, double limitS)
    {
        var remaining = ramMiB;
        var seconds = 0.0;
        for (var pass = 0; pass < 1000 && remaining / linkMiBs > limitS; pass++)
        {
            var t = remaining / linkMiBs;
            seconds += t;
            remaining = Math.Min(ramMiB, dirtyMiBs * t);
        }

        return seconds + (remaining / linkMiBs);
    }
}
