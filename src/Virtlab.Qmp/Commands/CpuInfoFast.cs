namespace Virtlab.Qmp;

/// <summary>One vCPU of <c>query-cpus-fast</c>.</summary>
/// <param name="CpuIndex">QEMU's index of the vCPU.</param>
/// <param name="QomPath">Its QOM path, e.g. <c>/machine/peripheral/cpu1</c> for a hot-plugged one.</param>
/// <param name="ThreadId">The host thread running it (with TCG's multi-threaded mode, one per vCPU).</param>
/// <param name="Props">Its place in the topology.</param>
/// <param name="Target">The target architecture, e.g. <c>x86_64</c>.</param>
public sealed record CpuInfoFast(int CpuIndex, string QomPath, long ThreadId, CpuInstanceProperties? Props, string Target);
