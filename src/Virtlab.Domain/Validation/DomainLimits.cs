namespace Virtlab.Domain.Validation;

/// <summary>The numeric limits <see cref="DomainValidator"/> enforces, and why.</summary>
public static class DomainLimits
{
    /// <summary>
    /// The most vCPUs: 255, the <c>max_cpus</c> of QEMU's <c>pc</c> (i440fx) machine, which
    /// Virtlab runs (q35 allows more, but Virtlab does not use it).
    /// </summary>
    public const int MaxVcpus = 255;

    /// <summary>
    /// The least memory a guest may boot with or be ballooned down to: 64 MiB. Measured: a 48 MiB
    /// balloon target OOM-killed the default guest's agent and init and panicked it.
    /// </summary>
    public const long MinMemoryKiB = 64 * 1024;

    /// <summary>
    /// <c>memory</c> and <c>maxMemory</c> must be whole MiB. QEMU itself needs only whole 4 KiB
    /// pages for <c>maxmem</c>, but libvirt rounds both up to 1 MiB before starting QEMU; Virtlab
    /// asks the user to round instead of silently changing the size.
    /// </summary>
    public const long MemoryAlignmentKiB = 1024;

    /// <summary>The most memory hot-plug slots: QEMU's <c>ACPI_MAX_RAM_SLOTS</c>.</summary>
    public const int MaxMemorySlots = 256;

    /// <summary>The slots <see cref="Defaults.DomainDefaults"/> gives a domain with maxMemory and no slot count.</summary>
    public const int DefaultMemorySlots = 16;

    /// <summary>x86 Linux's <c>COMMAND_LINE_SIZE</c> is 2048 bytes including the final NUL.</summary>
    public const int MaxKernelCmdlineBytes = 2047;

    /// <summary>
    /// The longest Linux interface name (a bridge's): <c>IFNAMSIZ</c> is 16 bytes including the final NUL.
    /// </summary>
    public const int MaxInterfaceNameLength = 15;

    /// <summary>The prefix length of an interface address given without one (a /24, as on Virtlab's lab network).</summary>
    public const int DefaultPrefixLength = 24;
}
