using System.Globalization;
using Virtlab.Api;
using Virtlab.Lab.Results;

namespace Virtlab.Lab.Running;

/// <summary>This machine as the report states it: name, CPU, cores, memory, kernel, and (from a lab host's daemon) QEMU and the accelerator.</summary>
internal static class MachineFacts
{
    public static async Task<MachineInfo> ReadAsync(LabHost? host, CancellationToken ct)
    {
        var cpuinfo = await ReadOrEmptyAsync("/proc/cpuinfo", ct).ConfigureAwait(false);
        var model = cpuinfo.Split('\n').FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) is { } line
            ? line[(line.IndexOf(':') + 1)..].Trim()
            : "?";
        var kernel = (await ReadOrEmptyAsync("/proc/sys/kernel/osrelease", ct).ConfigureAwait(false)).Trim();
        string? qemu = null, accel = null, reason = null;
        if (host is not null)
        {
            try
            {
                var caps = await host.Client.GetAsync("v1/capabilities", ApiJsonContext.Default.CapabilitiesInfo, ct).ConfigureAwait(false);
                (qemu, accel, reason) = (caps.QemuVersion, caps.DefaultAccel, caps.DefaultAccelReason);
            }
            catch (Exception e) when (e is Virtlab.Client.DaemonCallException or HttpRequestException)
            {
                reason = $"the lab host did not say: {e.Message}";
            }
        }

        return new MachineInfo(Environment.MachineName, model, Environment.ProcessorCount, MemTotalKiB(await ReadOrEmptyAsync("/proc/meminfo", ct).ConfigureAwait(false)), qemu, accel, reason, kernel);
    }

    /// <summary>MemTotal of a /proc/meminfo text, KiB (0 when absent).</summary>
    public static long MemTotalKiB(string meminfo)
    {
        foreach (var line in meminfo.Split('\n'))
        {
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal)
                && long.TryParse(line[9..].Replace("kB", string.Empty, StringComparison.Ordinal).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var kib))
            {
                return kib;
            }
        }

        return 0;
    }

    private static async Task<string> ReadOrEmptyAsync(string path, CancellationToken ct) =>
        File.Exists(path) ? await File.ReadAllTextAsync(path, ct).ConfigureAwait(false) : string.Empty;
}
