namespace Virtlab.Domain.Cpu;

/// <summary>
/// The talk's comparison of two <c>/proc/cpuinfo</c> flag lists (host and guest): what the guest
/// lacks ("Missing: vmx, ept, …"), what it has that the host does not ("Added: hypervisor"), and
/// what both have. When the host is itself a VM, <c>hypervisor</c> is on both sides and is
/// therefore not "added": <see cref="HostIsVirtual"/> says so.
/// </summary>
public sealed record CpuFlagDiff(
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> Added,
    IReadOnlyList<string> Common)
{
    /// <summary>The host's own flags include <c>hypervisor</c>: it runs in a VM too.</summary>
    public bool HostIsVirtual { get; init; }

    public static CpuFlagDiff Compute(IEnumerable<string> hostFlags, IEnumerable<string> guestFlags)
    {
        ArgumentNullException.ThrowIfNull(hostFlags);
        ArgumentNullException.ThrowIfNull(guestFlags);
        var host = new HashSet<string>(hostFlags, StringComparer.Ordinal);
        var guest = new HashSet<string>(guestFlags, StringComparer.Ordinal);
        return new CpuFlagDiff(
            host.Except(guest).Order(StringComparer.Ordinal).ToList(),
            guest.Except(host).Order(StringComparer.Ordinal).ToList(),
            host.Intersect(guest).Order(StringComparer.Ordinal).ToList())
        {
            HostIsVirtual = host.Contains("hypervisor"),
        };
    }
}
