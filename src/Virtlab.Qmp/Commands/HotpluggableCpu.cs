using System.Text.Json.Serialization;

namespace Virtlab.Qmp;

/// <summary>One slot of <c>query-hotpluggable-cpus</c> (QAPI <c>HotpluggableCPU</c>).</summary>
/// <param name="Type">The CPU device type to <c>device_add</c>, e.g. <c>qemu64-x86_64-cpu</c>.</param>
/// <param name="VcpusCount">How many vCPUs the slot holds.</param>
/// <param name="Props">The slot's topology properties (pass them to <c>device_add</c>).</param>
/// <param name="QomPath">The plugged CPU's QOM path; null when the slot is free.</param>
public sealed record HotpluggableCpu(string Type, int VcpusCount, CpuInstanceProperties Props, string? QomPath)
{
    /// <summary>True when a CPU occupies the slot.</summary>
    [JsonIgnore]
    public bool IsPlugged => QomPath is not null;
}
