namespace Virtlab.Domain.Cpu;

/// <summary>What identifies a physical CPU for host-passthrough: vendor, family, model, stepping and its feature set.</summary>
public sealed record HostCpuIdentity(string Vendor, int Family, int Model, int Stepping, IReadOnlyCollection<string> Features);
