namespace Virtlab.Engine.Qemu;

/// <summary>One VM's run dir (0700): its QMP and agent sockets (0600), console log, QEMU log and pidfile.</summary>
public sealed record VmRunPaths(string Directory)
{
    public string QmpSocket => Path.Combine(Directory, "qmp.sock");

    public string AgentSocket => Path.Combine(Directory, "qga.sock");

    public string ConsoleLog => Path.Combine(Directory, "console.log");

    public string QemuLog => Path.Combine(Directory, "qemu.log");

    public string PidFile => Path.Combine(Directory, "qemu.pid");
}
