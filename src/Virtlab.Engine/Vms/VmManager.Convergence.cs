using System.Globalization;
using Virtlab.Api;
using Virtlab.Engine.Migration;

namespace Virtlab.Engine.Vms;

/// <summary>
/// The closed loop's first half, run before a migration with --max-downtime starts: measure the guest's dirty rate
/// (QEMU's calc-dirty-rate, page sampling: the dirty-bitmap mode reads 0 under TCG) and what the path to the
/// destination carries (a transfer from the destination daemon, capped by --bandwidth), predict with
/// <see cref="ConvergencePlanner"/>, and refuse up front when the limit cannot be met (unless --force).
/// </summary>
public sealed partial class VmManager
{
    /// <summary>How long calc-dirty-rate samples.</summary>
    public TimeSpan DirtyRateSampleTime { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How much the link probe transfers.</summary>
    public int LinkProbeMiB { get; init; } = 64;

    /// <returns>The plan, its report, and the request as the plan runs it; null without --max-downtime.</returns>
    private async Task<(ConvergencePlan Plan, ConvergenceReport Report, MigrateRequest Effective)?> PlanConvergenceAsync(VmInstance vm, MigrateRequest r, PeerClient peer, CancellationToken cancellationToken)
    {
        if (r.MaxDowntimeMs is not { } limit)
        {
            return null;
        }

        var dirty = await MeasureDirtyRateAsync(vm, cancellationToken).ConfigureAwait(false);
        var measured = await peer.MeasureLinkAsync(LinkProbeMiB, cancellationToken).ConfigureAwait(false);
        var link = r.BandwidthMiBs is { } cap ? Math.Min(cap, measured) : measured;
        var (baseRam, plugged) = await vm.Qmp.QueryMemorySizeSummaryAsync(cancellationToken).ConfigureAwait(false);
        // The first pass sends only pages the guest ever touched (zero pages are a few bytes each): QEMU's resident
        // memory is a fair upper bound of those.
        var firstPass = Math.Min(baseRam + plugged, (RssKiB(vm.Process.Pid) ?? long.MaxValue / 1024) * 1024);
        var plan = ConvergencePlanner.Plan(new ConvergenceInputs(dirty, link, firstPass, limit, r.Postcopy));
        Log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"migrate '{vm.Definition.Name}': dirty {dirty:0.#} MiB/s, link {measured:0.#} MiB/s measured{(r.BandwidthMiBs is { } c ? $" (cap {c})" : string.Empty)}: {plan.Summary}"));
        if (!plan.Feasible && !r.Force)
        {
            throw new VirtlabException(
                ErrorKind.InvalidState,
                $"cannot promise --max-downtime {limit} ms for '{vm.Definition.Name}': {plan.Summary}. Nothing was started: allow post-copy (--postcopy), raise --bandwidth, lower the guest's load, or add --force to try anyway");
        }

        var report = new ConvergenceReport(dirty, link, r.BandwidthMiBs is null || measured < r.BandwidthMiBs, limit, plan.Summary, plan.PredictedSeconds);
        return (plan, report, ApplyPlan(r, plan, baseRam + plugged));
    }

    /// <summary>The request as the plan runs it: auto-converge and XBZRLE switched on where the plan needs them.</summary>
    private static MigrateRequest ApplyPlan(MigrateRequest r, ConvergencePlan plan, long ramBytes) => r with
    {
        AutoConverge = r.AutoConverge || plan.ThrottleInitial > 0,
        XbzrleCacheBytes = r.XbzrleCacheBytes ?? (plan.Xbzrle ? XbzrleCacheFor(ramBytes) : null),
    };

    /// <summary>A quarter of the guest's RAM, a power of two between 16 and 256 MiB.</summary>
    private static long XbzrleCacheFor(long ramBytes) =>
        Math.Clamp((long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)(ramBytes / 4)), 16L << 20, 256L << 20);

    private async Task<double> MeasureDirtyRateAsync(VmInstance vm, CancellationToken cancellationToken)
    {
        var seconds = Math.Max(1, (int)DirtyRateSampleTime.TotalSeconds);
        await vm.Qmp.CalcDirtyRateAsync(seconds, cancellationToken).ConfigureAwait(false);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds + 10);
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
            var r = await vm.Qmp.QueryDirtyRateAsync(cancellationToken).ConfigureAwait(false);
            if (r?["status"]?.GetValue<string>() == "measured")
            {
                // QEMU reports MiB/s (its "MB/s" is 2^20 bytes).
                return r["dirty-rate"]?.GetValue<long>() ?? 0;
            }
        }

        throw new VirtlabException(ErrorKind.Timeout, $"QEMU did not measure the dirty rate of '{vm.Definition.Name}' within {seconds + 10} s");
    }
}
