namespace Virtlab.Domain.Definitions;

/// <summary>
/// What the user asked for: one virtual machine's configuration, as defined by
/// <c>create</c> or <c>define FILE.xml</c>. Pure data: no sockets, no QEMU.
/// Sizes are in KiB, as in libvirt's XML.
/// </summary>
public sealed record DomainDefinition
{
    /// <summary>The domain's name: letters, digits, '.', '_' and '-', at most 64 characters.</summary>
    public required string Name { get; init; }

    public Guid Uuid { get; init; }

    /// <summary>libvirt's &lt;memory&gt;: the RAM the guest boots with.</summary>
    public long MemoryKiB { get; init; }

    /// <summary>libvirt's &lt;currentMemory&gt;: the balloon target at start (≤ MemoryKiB).</summary>
    public long CurrentMemoryKiB { get; init; }

    /// <summary>libvirt's &lt;maxMemory&gt;: the memory hot-plug ceiling; null when hot-plug is off.</summary>
    public long? MaxMemoryKiB { get; init; }

    /// <summary>
    /// libvirt's &lt;maxMemory slots='N'&gt;: DIMM slots for memory hot-plug (QEMU's
    /// <c>-m slots=N</c>); 0 when hot-plug is off. <see cref="Defaults.DomainDefaults"/> gives 16
    /// to a domain with <see cref="MaxMemoryKiB"/> and no slot count.
    /// </summary>
    public int MemorySlots { get; init; }

    /// <summary>libvirt's &lt;vcpu current='N'&gt;: vCPUs present at start.</summary>
    public int Vcpus { get; init; } = 1;

    /// <summary>libvirt's &lt;vcpu&gt;M&lt;/vcpu&gt;: the hot-plug ceiling.</summary>
    public int MaxVcpus { get; init; } = 1;

    public CpuDefinition Cpu { get; init; } = CpuDefinition.Default;

    public OsDefinition Os { get; init; } = new();

    /// <summary>Which accelerator to use; libvirt's &lt;domain type='kvm|qemu'&gt;, or auto.</summary>
    public AccelMode Accel { get; init; } = AccelMode.Auto;

    /// <summary>A virtio-serial channel named org.qemu.guest_agent.0.</summary>
    public bool GuestAgent { get; init; } = true;

    /// <summary>virtio-balloon; null when the domain has &lt;memballoon model='none'/&gt;.</summary>
    public BalloonDefinition? Balloon { get; init; } = new();

    /// <summary>&lt;interface type='bridge'&gt;: the guest's NIC on a host bridge; null for no network.</summary>
    public InterfaceDefinition? Interface { get; init; }

    /// <summary>&lt;pmu state='on|off'/&gt;; null leaves QEMU's default.</summary>
    public bool? Pmu { get; init; }

    /// <summary>Where the serial console is written; null = the VM's run dir (console.log).</summary>
    public string? ConsoleLog { get; init; }
}
