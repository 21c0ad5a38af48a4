namespace Virtlab.Engine.Qemu;

/// <summary>One VM's run dir (0700): its QMP and agent sockets (0600), console log, QEMU log and pidfile.</summary>
public sealed record VmRunPaths(string Directory)
{
    public string QmpSocket => Path.Combine(Directory, "qmp.sock");

    public string AgentSocket => Path.Combine(Directory, "qga.sock");

    public string ConsoleLog => Path.Combine(Directory, "console.log");

    public string QemuLog => Path.Combine(Directory, "qemu.log");

    public string PidFile => Path.Combine(Directory, "qemu.pid");

    /// <summary>Present once this QEMU process has had a vCPU unplugged.</summary>
    public string VcpuUnpluggedMarker => Path.Combine(Directory, "vcpu-unplugged");

    /// <summary>Present when this QEMU process must not be migrated; holds the reason (a vCPU plugged after an unplug
    /// makes QEMU 10.0 under TCG hang in migration setup; a migration thread stuck in QEMU). See docs/MIGRATION.md.</summary>
    public string MigrationBlocker => Path.Combine(Directory, "no-migrate");

    /// <summary>
    /// The tap device of this VM's NIC: "vl" and 10 hex digits of a hash of the run dir, so it is the same for a VM
    /// across restarts and different for the same domain on another Virtlab host of this machine (a migration's
    /// destination), within Linux's 15-character limit. QEMU creates it (not persistent: it goes when QEMU exits).
    /// </summary>
    public string TapName => "vl" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Directory)))[..10];

    /// <summary>Files that describe one QEMU process's life; removed when a new one starts.</summary>
    public IEnumerable<string> ProcessFiles => [QmpSocket, AgentSocket, PidFile, VcpuUnpluggedMarker, MigrationBlocker];
}
