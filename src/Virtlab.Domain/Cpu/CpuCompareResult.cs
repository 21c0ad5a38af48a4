namespace Virtlab.Domain.Cpu;

/// <summary>libvirt's answers to "can this host run that CPU?" (virsh cpu-compare).</summary>
public enum CpuCompareResult
{
    /// <summary>The host offers exactly the features the CPU needs.</summary>
    Identical,

    /// <summary>The host offers every feature the CPU needs, and more.</summary>
    Superset,

    /// <summary>The host lacks at least one feature the CPU needs (see the missing list).</summary>
    Incompatible,
}
