namespace Virtlab.Api;

// CPU models, host-vs-guest CPU and compatibility between hosts (docs/CPU-MODELS.md).

/// <summary>One model of query-cpu-definitions; <c>Usable</c> when this accelerator gives every feature it names.</summary>
public sealed record CpuModelInfo(
    string Name,
    string? AliasOf,
    bool Usable,
    IReadOnlyList<string> UnavailableFeatures,
    bool Static,
    bool Deprecated,
    bool? MigrationSafe,
    int? FeatureCount);

public sealed record CpuModelList(string Accel, string QemuVersion, IReadOnlyList<CpuModelInfo> Models);

/// <summary>query-cpu-model-expansion of one model: static (a base model plus features) and full (every property).</summary>
public sealed record CpuModelExpansionReply(
    string Model,
    string Accel,
    string StaticBase,
    IReadOnlyList<string> StaticFeatures,
    IReadOnlyList<string> FullFeatures,
    int FullPropertyCount,
    IReadOnlyList<string> UnavailableFeatures);

/// <summary>The guest's /proc/cpuinfo and its difference against the host's (the talk's "Missing: … Added: …").</summary>
public sealed record GuestCpuInfo(
    string Domain,
    string CpuModel,
    string Accel,
    string ModelName,
    string Vendor,
    int Family,
    int Model,
    int Stepping,
    IReadOnlyList<string> Flags,
    string HostModelName,
    IReadOnlyList<string> HostFlags,
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> Added,
    bool HostIsVirtual,
    IReadOnlyList<string> DroppedByAccel);

/// <summary>cpu-compare: one of Domain (a defined domain), Xml (libvirt domain or cpu XML) or Model (a CPU model name).</summary>
public sealed record CpuCompareRequest(string? Domain = null, string? Xml = null, string? Model = null, string? HostUri = null);

public sealed record CpuCompareReply(
    string Subject,
    string Host,
    string Result,
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> Extra,
    string Reason)
{
    /// <summary>How to read the result on this host (e.g. under TCG, which emulates the CPU).</summary>
    public string? Note { get; init; }
}

/// <summary>cpu-baseline: each host as the text of its /proc/cpuinfo (or a list of feature names); "host" is this host.</summary>
public sealed record CpuBaselineRequest(IReadOnlyList<string> Hosts);

public sealed record CpuBaselineReply(
    IReadOnlyList<string> Features,
    string? Model,
    IReadOnlyList<string> ExtraFeatures,
    string CpuSpec,
    string Xml);
