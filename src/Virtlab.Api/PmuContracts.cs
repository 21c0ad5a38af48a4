namespace Virtlab.Api;

// guest-pmu: the virtual PMU as the guest kernel sees it (docs/PMU.md).

public sealed record PmuEventResult(string Name, string Kind, bool Ok, long? Count, string? Error);

/// <summary>What the guest kernel sees of a PMU, and what that means.</summary>
public sealed record PmuReport(
    string Domain,
    string Accel,
    string PmuSetting,
    string Driver,
    bool ArchPerfmon,
    IReadOnlyList<string> EventSources,
    bool CpuPmu,
    string PerfEventParanoid,
    IReadOnlyList<PmuEventResult> Events,
    string Verdict,
    string OnKvm);
