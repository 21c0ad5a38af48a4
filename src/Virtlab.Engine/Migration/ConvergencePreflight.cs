using System.Globalization;
using Virtlab.Api;
using Virtlab.Engine.Domains;
using Virtlab.Engine.Peers;
using Virtlab.Engine.Process;

namespace Virtlab.Engine.Migration;

/// <summary>
/// The closed loop's first half, run before a migration with --max-downtime starts: measure the guest's dirty rate
/// (QEMU's calc-dirty-rate, page sampling: the dirty-bitmap mode reads 0 under TCG) and what the path to the
/// destination carries (a transfer from the destination daemon, capped by --bandwidth), predict with
/// <see cref="ConvergencePlanner"/>, and refuse up front when the limit cannot be met (unless --force).
/// </summary>
internal sealed class ConvergencePreflight(MigrationOptions options, Action<string>? log)
{
    /// <returns>The plan, its report, and the request as the plan runs it; null without --max-downtime.</returns>
    public async Task<(ConvergencePlan Plan, ConvergenceReport Report, MigrateRequest Effective)?> PlanAsync(DomainObject domain, MigrateRequest r, PeerClient peer, CancellationToken cancellationToken)
    {
        if (r.MaxDowntimeMs is not { } limit)
        {
            return null;
        }

        var dirty = await MeasureDirtyRateAsync(domain, cancellationToken).ConfigureAwait(false);
        var measured = await peer.MeasureLinkAsync(options.LinkProbeMiB, cancellationToken).ConfigureAwait(false);
        var link = r.BandwidthMiBs is { } cap ? Math.Min(cap, measured) : measured;
        var (baseRam, plugged) = await domain.Qmp.QueryMemorySizeSummaryAsync(cancellationToken).ConfigureAwait(false);
        // The first pass sends only pages the guest ever touched (zero pages are a few bytes each): QEMU's resident
        // memory is a fair upper bound of those.
        var firstPass = Math.Min(baseRam + plugged, (ProcessStats.RssKiB(domain.Process.Pid) ?? long.MaxValue / 1024) * 1024);
        // What the host's load alone costs the guest, before anything starts (needs the agent).
        var baseline = domain.Definition.GuestAgent ? await GuestProbes.MeasureBaselineStallAsync(domain, options.BaselineWindow, cancellationToken).ConfigureAwait(false) : null;
        var plan = ConvergencePlanner.Plan(new ConvergenceInputs(dirty, link, firstPass, limit, r.Postcopy, baseline));
        log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"migrate '{domain.Name}': dirty {dirty:0.#} MiB/s, guest stall without migrating {baseline?.ToString("0", CultureInfo.InvariantCulture) ?? "not measured"} ms, link {measured:0.#} MiB/s measured{(r.BandwidthMiBs is { } c ? $" (cap {c})" : string.Empty)}: {plan.Summary}"));
        if (!plan.Feasible && !r.Force)
        {
            throw new VirtlabException(
                ErrorKind.InvalidState,
                $"cannot promise --max-downtime {limit} ms (the longest the guest stops, as it and the network see it) for '{domain.Name}': {plan.Summary}. Nothing was started: allow post-copy (--postcopy), raise --bandwidth, lower the guest's load, or add --force to try anyway (the throttle capped at {plan.MaxThrottle} % with XBZRLE, no promise)");
        }

        var report = new ConvergenceReport(dirty, link, r.BandwidthMiBs is null || measured < r.BandwidthMiBs, limit, plan.Summary, plan.PredictedSeconds);
        return (plan, report, ApplyPlan(r, plan, baseRam + plugged, domain.Definition.GuestAgent));
    }

    /// <summary>The request as the plan runs it: auto-converge and XBZRLE switched on where the plan needs them, and the
    /// guest-visible gaps measured (the limit is judged on them) when the guest has an agent.</summary>
    private static MigrateRequest ApplyPlan(MigrateRequest r, ConvergencePlan plan, long ramBytes, bool guestAgent) => r with
    {
        Measure = r.Measure || guestAgent,
        AutoConverge = r.AutoConverge || plan.ThrottleInitial > 0,
        XbzrleCacheBytes = r.XbzrleCacheBytes ?? (plan.Xbzrle ? XbzrleCacheFor(ramBytes) : null),
    };

    /// <summary>A quarter of the guest's RAM, a power of two between 16 and 256 MiB.</summary>
    private static long XbzrleCacheFor(long ramBytes) =>
        Math.Clamp((long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)(ramBytes / 4)), 16L << 20, 256L << 20);

    private async Task<double> MeasureDirtyRateAsync(DomainObject domain, CancellationToken cancellationToken)
    {
        var seconds = Math.Max(1, (int)options.DirtyRateSampleTime.TotalSeconds);
        await domain.Qmp.CalcDirtyRateAsync(seconds, cancellationToken).ConfigureAwait(false);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds + 10);
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
            var r = await domain.Qmp.QueryDirtyRateAsync(cancellationToken).ConfigureAwait(false);
            if (r?["status"]?.GetValue<string>() == "measured")
            {
                // QEMU reports MiB/s (its "MB/s" is 2^20 bytes).
                return r["dirty-rate"]?.GetValue<long>() ?? 0;
            }
        }

        throw new VirtlabException(ErrorKind.Timeout, $"QEMU did not measure the dirty rate of '{domain.Name}' within {seconds + 10} s");
    }
}
