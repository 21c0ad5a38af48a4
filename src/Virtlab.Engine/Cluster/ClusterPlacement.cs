using System.Globalization;
using Virtlab.Api;
using Virtlab.Domain.Definitions;

namespace Virtlab.Engine.Cluster;

/// <summary>
/// Which host of the cluster runs a VM (docs/CLUSTER.md): a live host with the memory for it (its boot memory within the
/// host's free memory), the cores (at least as many as its boot vCPUs), and, where the host runs guests under KVM, every
/// host CPU flag its CPU model needs (<see cref="Qemu.QemuCpuCaps.RequiredHostFlags"/>; under TCG the CPU is emulated,
/// so any model runs). Among those, the one running the fewest VMs, then the one with the most free memory, then the
/// smallest host id, so that every host computes the same answer. Pure: the facts in, the verdicts out.
/// </summary>
public static class ClusterPlacement
{
    /// <summary>Each host with why it cannot take the VM (null: it can).</summary>
    public static IReadOnlyList<(ClusterHostRecord Host, string? Unfit)> Judge(
        DomainDefinition def, IReadOnlySet<string>? requiredFlags, IEnumerable<ClusterHostRecord> hosts)
    {
        ArgumentNullException.ThrowIfNull(def);
        ArgumentNullException.ThrowIfNull(hosts);
        return hosts.Select(h => (h, Unfit(def, requiredFlags, h))).ToList();
    }

    /// <summary>The host to run the VM, or null when none can.</summary>
    public static string? Choose(DomainDefinition def, IReadOnlySet<string>? requiredFlags, IEnumerable<ClusterHostRecord> hosts) =>
        Judge(def, requiredFlags, hosts)
            .Where(j => j.Unfit is null)
            .Select(j => j.Host)
            .OrderBy(h => h.Vms.Count)
            .ThenByDescending(h => h.FreeMemoryKiB)
            .ThenBy(h => h.HostId, StringComparer.Ordinal)
            .FirstOrDefault()?.HostId;

    /// <summary>"no host can run X: h1: ...; h2: ..." for an error.</summary>
    public static string Refusal(DomainDefinition def, IReadOnlyList<(ClusterHostRecord Host, string? Unfit)> verdicts)
    {
        ArgumentNullException.ThrowIfNull(def);
        ArgumentNullException.ThrowIfNull(verdicts);
        return verdicts.Count == 0
            ? $"no live host in the cluster to run '{def.Name}': 'virtlab cluster status' shows the hosts"
            : $"no host in the cluster can run '{def.Name}': " + string.Join("; ", verdicts.Select(v => $"{v.Host.HostId}: {v.Unfit}"));
    }

    private static string? Unfit(DomainDefinition def, IReadOnlySet<string>? requiredFlags, ClusterHostRecord host)
    {
        if (host.FreeMemoryKiB < def.MemoryKiB)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{host.FreeMemoryKiB / 1024} MiB free, the VM needs {def.MemoryKiB / 1024} MiB");
        }

        if (host.Cores < def.Vcpus)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{host.Cores} cores, the VM has {def.Vcpus} vCPUs");
        }

        if (requiredFlags is not null && host.Accelerator.StartsWith("kvm", StringComparison.Ordinal))
        {
            var missing = requiredFlags.Except(host.CpuFlags, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            if (missing.Count > 0)
            {
                return $"its CPU ({host.CpuModel}) lacks {string.Join(", ", missing.Take(8))}{(missing.Count > 8 ? $" and {missing.Count - 8} more" : string.Empty)}, which the CPU model needs under KVM";
            }
        }

        return null;
    }
}
