namespace Virtlab.Engine.Qemu;

/// <summary>
/// How many vCPU slots QEMU gets under TCG. Measured on QEMU 10.0.2: multi-threaded TCG allocates one translation
/// context per vCPU thread it ever creates, sized by <c>-smp maxcpus</c>, and never frees one on unplug; the
/// (maxcpus+1)-th vCPU created in a process aborts QEMU (<c>tcg_register_thread: assertion failed: (n &lt; tcg_max_ctxs)</c>).
/// With maxcpus = maxvcpus a guest of 1 vCPU survives 3 plugs in its life; so under TCG QEMU gets 8× the slots
/// (at least 9, at most 240) and Virtlab itself keeps the domain at its maxvcpus. More than 8 possible CPUs also
/// switches Linux to physical-flat APIC routing, which QEMU's userspace APIC handles even with APIC-ID holes.
/// </summary>
public static class TcgVcpuSlots
{
    /// <summary>QEMU's <c>-smp maxcpus</c> for a domain: <paramref name="maxVcpus"/> under KVM or without hot-plug.</summary>
    public static int QemuMaxCpus(int vcpus, int maxVcpus, bool kvm) =>
        kvm || maxVcpus <= vcpus ? maxVcpus : Math.Clamp(maxVcpus * 8, 9, Math.Max(240, maxVcpus));

    /// <summary>How many vCPU threads one QEMU process may still create: slots minus vCPUs created so far.</summary>
    public static int Remaining(int qemuMaxCpus, int created) => Math.Max(0, qemuMaxCpus - created);
}
