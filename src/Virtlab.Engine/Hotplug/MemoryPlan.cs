namespace Virtlab.Engine.Hotplug;

/// <summary>
/// How setmem reaches a target: DIMMs for what is above the RAM plugged now, the balloon for the rest. Linux
/// onlines hot-plugged memory in 128 MiB blocks on x86-64, so a DIMM is a whole number of blocks; the part of a
/// DIMM above the target stays in the balloon.
/// </summary>
public static class MemoryPlan
{
    /// <summary>Linux's memory block size on x86-64 guests below 64 GiB.</summary>
    public const long BlockKiB = 128 * 1024;

    /// <summary>The DIMM size to plug so that the RAM reaches <paramref name="targetKiB"/>; 0 when no DIMM is needed.</summary>
    public static long DimmKiB(long pluggedRamKiB, long targetKiB) =>
        targetKiB <= pluggedRamKiB ? 0 : (targetKiB - pluggedRamKiB + BlockKiB - 1) / BlockKiB * BlockKiB;
}
