using System.Globalization;
using Virtlab.Api;
using Virtlab.Domain.Definitions;
using Virtlab.Engine.Domains;
using Virtlab.Engine.Host;

namespace Virtlab.Engine.Cluster;

/// <summary>
/// What a host publishes about itself under <c>/virtlab/hosts/HOST-ID</c>: the facts the capabilities endpoint computes
/// that need no probing QEMU (host CPU, QEMU version, accelerator), its free memory and cores, and the VMs it runs.
/// </summary>
public static class HostFacts
{
    public static ClusterHostRecord Read(EngineContext context, string hostId, string? address)
    {
        ArgumentNullException.ThrowIfNull(context);
        var cpu = HostCpu.Read();
        string? qemu = null;
        try
        {
            qemu = context.Qemu.Version.ToString();
        }
        catch (VirtlabException)
        {
        }

        var accel = context.Accel.Select(AccelMode.Auto);
        return new ClusterHostRecord(
            hostId,
            address,
            cpu.ModelName,
            cpu.Flags,
            MemAvailableKiB(File.ReadLines("/proc/meminfo")),
            Environment.ProcessorCount,
            qemu,
            $"{accel.Name} ({accel.Reason})",
            RunningVms(context),
            DateTimeOffset.UtcNow);
    }

    public static IReadOnlyList<string> RunningVms(EngineContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Domains.All.Select(d => d.Name).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>MemAvailable from a /proc/meminfo text, in KiB (0 when absent).</summary>
    public static long MemAvailableKiB(IEnumerable<string> meminfo)
    {
        ArgumentNullException.ThrowIfNull(meminfo);
        foreach (var line in meminfo)
        {
            if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kib) ? kib : 0;
            }
        }

        return 0;
    }
}
