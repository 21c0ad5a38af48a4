namespace Virtlab.Engine.Hotplug;

/// <summary>
/// Automatic ballooning, decided from the balloon's statistics: keep the guest's usable memory (MemAvailable, the
/// balloon's <c>stat-available-memory</c>) near <see cref="TargetFreePercent"/> of its RAM, within [min, max], moving
/// reclaiming at most <see cref="StepKiB"/> per decision (Proxmox moves at most 100 MiB per 10 s) and giving back at once. What the guest uses
/// (actual − usable) does not change when the balloon moves, so the wanted size is used / (1 − free share).
/// </summary>
public sealed record AutoBalloonPolicy(long MinKiB, long MaxKiB, int TargetFreePercent, long StepKiB, TimeSpan Interval)
{
    /// <summary>Changes smaller than this are not made (no see-saw around the target).</summary>
    public const long DeadbandKiB = 16 * 1024;

    /// <summary>The next balloon target, or null to hold. <paramref name="floorKiB"/> is the guest's survival floor.</summary>
    public long? Next(long actualKiB, long usableKiB, long floorKiB)
    {
        var used = Math.Max(0, actualKiB - usableKiB);
        var wanted = (long)(used / (1 - (TargetFreePercent / 100.0)));
        wanted = Math.Clamp(wanted, Math.Max(MinKiB, floorKiB), Math.Max(MaxKiB, Math.Max(MinKiB, floorKiB)));
        if (Math.Abs(wanted - actualKiB) < DeadbandKiB)
        {
            return null;
        }

        // Reclaiming is paced (a guest that starts allocating gets time to show it); giving back is not: a guest
        // short of memory gets all it wants at once, or it may OOM-kill before the next decision.
        var step = Math.Max(wanted - actualKiB, -StepKiB);
        return (actualKiB + step) / 1024 * 1024;
    }
}
