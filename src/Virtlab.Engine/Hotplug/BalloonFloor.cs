using Virtlab.Engine.Guest;

namespace Virtlab.Engine.Hotplug;

/// <summary>
/// The lowest balloon target a guest survives, from the guest's own figures. Everything the guest cannot give
/// up is (RAM it has now) − MemAvailable: the kernel's own reservation (RAM minus MemTotal) plus what its
/// programs hold (MemTotal − MemAvailable). The floor adds headroom on top, so that the agent, init and the
/// page cache still fit. Measured: a 48 MiB target on a 512 MiB guest OOM-killed qemu-ga and init and panicked
/// the kernel; 128 MiB left it 37 MiB free.
/// </summary>
public static class BalloonFloor
{
    /// <summary>Headroom above what the guest cannot give up: 16 MiB, or 1/32 of its RAM when that is more.
    /// MemAvailable already leaves out the kernel's low watermarks, so this is margin for growth while the balloon
    /// inflates (the agent's log, guest-exec output), not the kernel's own reserve.</summary>
    public static long HeadroomKiB(long ramKiB) => Math.Max(16 * 1024, ramKiB / 32);

    /// <summary>Without the guest's figures: 40 % of its RAM (the measured safe side for the default image).</summary>
    public static long WithoutGuestFiguresKiB(long ramKiB) => ramKiB * 2 / 5;

    /// <summary>The floor for a guest whose balloon reports <paramref name="actualKiB"/> and whose /proc/meminfo
    /// says <paramref name="guest"/>; rounded up to a whole MiB.</summary>
    public static long FloorKiB(long actualKiB, GuestMemInfo guest)
    {
        var cannotGiveUp = Math.Max(0, actualKiB - guest.MemAvailableKiB);
        var floor = cannotGiveUp + HeadroomKiB(actualKiB);
        return (floor + 1023) / 1024 * 1024;
    }
}
