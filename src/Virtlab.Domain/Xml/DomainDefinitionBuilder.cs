using Virtlab.Domain.Definitions;

namespace Virtlab.Domain.Xml;

/// <summary>The values read so far from a domain XML; <see cref="Build"/> makes the definition.</summary>
internal sealed class DomainDefinitionBuilder
{
    public string? Name { get; set; }
    public Guid Uuid { get; set; }
    public AccelMode Accel { get; set; } = AccelMode.Kvm;
    public long MemoryKiB { get; set; }
    public long CurrentMemoryKiB { get; set; }
    public long? MaxMemoryKiB { get; set; }
    public int MemorySlots { get; set; }
    public int? Vcpus { get; set; }
    public int MaxVcpus { get; set; } = 1;
    public CpuDefinition Cpu { get; set; } = CpuDefinition.Default;
    public string? Kernel { get; set; }
    public string? Initrd { get; set; }
    public string? Cmdline { get; set; }
    public string? Image { get; set; }
    public bool? Pmu { get; set; }
    public bool GuestAgent { get; set; }
    public BalloonDefinition? Balloon { get; set; } = new();
    public InterfaceDefinition? Interface { get; set; }
    public string? ConsoleLog { get; set; }

    public DomainDefinition Build() => new()
    {
        Name = Name ?? "",
        Uuid = Uuid,
        Accel = Accel,
        MemoryKiB = MemoryKiB,
        CurrentMemoryKiB = CurrentMemoryKiB,
        MaxMemoryKiB = MaxMemoryKiB,
        MemorySlots = MemorySlots,
        Vcpus = Vcpus ?? MaxVcpus,
        MaxVcpus = MaxVcpus,
        Cpu = Cpu,
        Os = new OsDefinition { Kernel = Kernel, Initrd = Initrd, Cmdline = Cmdline, Image = Image },
        Pmu = Pmu,
        GuestAgent = GuestAgent,
        Balloon = Balloon,
        Interface = Interface,
        ConsoleLog = ConsoleLog,
    };
}
