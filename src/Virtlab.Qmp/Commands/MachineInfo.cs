namespace Virtlab.Qmp;

/// <summary>One machine type of <c>query-machines</c>.</summary>
public sealed record MachineInfo(
    string Name,
    string? Alias,
    bool? IsDefault,
    int CpuMax,
    bool HotpluggableCpus,
    bool NumaMemSupported,
    bool Deprecated,
    string? DefaultCpuType,
    string? DefaultRamId,
    bool Acpi);
