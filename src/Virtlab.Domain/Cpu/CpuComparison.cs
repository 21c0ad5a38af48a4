namespace Virtlab.Domain.Cpu;

/// <summary>The outcome of <see cref="CpuCompatibility.Compare"/>: the verdict and why.</summary>
/// <param name="Result">Identical, superset or incompatible.</param>
/// <param name="Missing">Features the CPU needs that the host lacks (empty unless incompatible).</param>
/// <param name="Extra">Features the host has beyond the CPU's (for a superset).</param>
/// <param name="Reason">One sentence for the user; for migration preflight, the error's reason.</param>
public sealed record CpuComparison(
    CpuCompareResult Result,
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> Extra,
    string Reason);
