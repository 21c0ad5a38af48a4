namespace Virtlab.Engine.Migration;

/// <summary>What the closed loop knows before a migration starts: measured, not assumed.</summary>
/// <param name="DirtyMiBs">The guest's dirty rate (QEMU's calc-dirty-rate, page sampling).</param>
/// <param name="LinkMiBs">What the path to the destination carries: the --bandwidth cap, or measured.</param>
/// <param name="RamBytes">What QEMU's first pass sends: the guest RAM it has touched (zero pages cost next to nothing).</param>
/// <param name="DowntimeLimitMs">--max-downtime: the stop-and-copy pause the user allows.</param>
/// <param name="PostcopyAllowed">--postcopy was given.</param>
public sealed record ConvergenceInputs(double DirtyMiBs, double LinkMiBs, long RamBytes, int DowntimeLimitMs, bool PostcopyAllowed);

/// <summary>How the closed loop will run a migration, and what it predicts.</summary>
/// <param name="Feasible">The limit can be met (possibly with throttling or post-copy).</param>
/// <param name="ThrottleInitial">auto-converge's first throttle step, in percent; 0 = no throttling planned.</param>
/// <param name="Xbzrle">Re-sent pages go XBZRLE-compressed.</param>
/// <param name="Postcopy">Switch to post-copy after the first pass (pre-copy alone cannot meet the limit).</param>
/// <param name="PredictedSeconds">Time to converge under the plan's model (null for post-copy).</param>
/// <param name="Summary">One sentence with the numbers, for the user.</param>
public sealed record ConvergencePlan(bool Feasible, int ThrottleInitial, bool Xbzrle, bool Postcopy, double? PredictedSeconds, string Summary);

/// <summary>
/// Pre-copy's arithmetic. Each pass resends what the guest dirtied during the previous one: with a dirty rate D and a
/// link B, the remaining memory shrinks by D/B per pass, so it converges only when D &lt; B, and QEMU switches over
/// once the remainder fits into the downtime limit (remaining/B ≤ limit). Throttling the vCPUs by p % cuts D to
/// D·(1−p); the plan asks for the smallest throttle that brings D below <see cref="Margin"/>·B. Above QEMU's 99 %
/// cap nothing but post-copy (the guest runs on the destination and fetches the remaining pages on demand: its pause
/// is only the device state) can meet a limit.
/// </summary>
public static class ConvergencePlanner
{
    /// <summary>The share of the link the dirty rate may use and still converge briskly.</summary>
    public const double Margin = 0.8;

    /// <summary>QEMU's max-cpu-throttle default.</summary>
    public const int MaxThrottle = 99;

    public static ConvergencePlan Plan(ConvergenceInputs x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var budget = Margin * x.LinkMiBs;
        var limitS = x.DowntimeLimitMs / 1000.0;
        var ramMiB = x.RamBytes / (1024.0 * 1024.0);
        if (x.DirtyMiBs <= budget)
        {
            var t = Predict(ramMiB, x.DirtyMiBs, x.LinkMiBs, limitS);
            return new(true, 0, false, false, t, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"the guest dirties {x.DirtyMiBs:0.#} MiB/s and the link carries {x.LinkMiBs:0.#} MiB/s: pre-copy converges by itself in about {t:0.#} s"));
        }

        var throttle = (int)Math.Ceiling(100 * (1 - (budget / x.DirtyMiBs)));
        if (throttle <= MaxThrottle)
        {
            var dirty = x.DirtyMiBs * (1 - (throttle / 100.0));
            var t = Predict(ramMiB, dirty, x.LinkMiBs, limitS);
            return new(true, Math.Max(throttle, 5), true, false, t, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"the guest dirties {x.DirtyMiBs:0.#} MiB/s, more than {Margin:P0} of the link's {x.LinkMiBs:0.#} MiB/s: throttling its vCPUs by {throttle} % (auto-converge) and XBZRLE make pre-copy converge in about {t:0.#} s"));
        }

        if (x.PostcopyAllowed)
        {
            return new(true, 0, false, true, null, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"the guest dirties {x.DirtyMiBs:0.#} MiB/s, more than even a {MaxThrottle} % throttle brings under the link's {x.LinkMiBs:0.#} MiB/s: switching to post-copy after the first pass"));
        }

        return new(false, 0, false, false, null, string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"the guest dirties {x.DirtyMiBs:0.#} MiB/s and the link carries {x.LinkMiBs:0.#} MiB/s: even a {MaxThrottle} % throttle leaves {x.DirtyMiBs * (100 - MaxThrottle) / 100:0.##} MiB/s, so pre-copy cannot fit a {x.DowntimeLimitMs} ms pause"));
    }

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
