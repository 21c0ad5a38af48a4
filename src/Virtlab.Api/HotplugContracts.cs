namespace Virtlab.Api;

// vCPU hot-plug, guest on/offlining, ballooning, memory hot-plug and automatic ballooning.
// Sizes are KiB, as in libvirt. Results are explicit words, never a bare bool:
// "completed", "pending-guest" (QEMU did it, the guest has not yet), "partial" (a bounded wait ended short of the target).

/// <summary>setvcpus NAME N [--live|--guest].</summary>
public sealed record SetVcpusRequest(int Count, bool Guest = false);

/// <summary>What setvcpus did: QEMU's vCPU count, what the guest runs on, and how long it took.</summary>
public sealed record SetVcpusReply(
    string Result,
    int LiveVcpus,
    int? GuestOnline,
    double Seconds,
    string? Message = null);

/// <summary>vcpucount: maximum/current for config, live and guest, as virsh prints them.</summary>
public sealed record VcpuCountInfo(
    int MaximumConfig,
    int CurrentConfig,
    int? MaximumLive,
    int? CurrentLive,
    int? CurrentGuest,
    string? GuestProblem = null);

/// <summary>One logical CPU as the guest agent reports it (guest-get-vcpus).</summary>
public sealed record GuestVcpuInfo(long LogicalId, bool Online, bool CanOffline);

/// <summary>guestvcpus NAME --cpulist LIST --enable|--disable.</summary>
public sealed record GuestVcpusRequest(string CpuList, bool Enable);

/// <summary>setmem NAME SIZE --live.</summary>
public sealed record SetMemRequest(string Size);

/// <summary>What setmem did: the balloon target and what QEMU reached, hot-plugged memory, and the guest's own view.</summary>
public sealed record SetMemReply(
    string Result,
    long TargetKiB,
    long ActualKiB,
    long HotpluggedKiB,
    long? GuestMemTotalKiB,
    long? GuestMemAvailableKiB,
    double Seconds,
    string? Message = null);

/// <summary>dommemstat: balloon statistics (KiB; null when the guest does not report one) and QEMU's RSS.</summary>
public sealed record MemStatInfo(
    long ActualKiB,
    long? SwapInKiB,
    long? SwapOutKiB,
    long? MajorFaults,
    long? MinorFaults,
    long? UnusedKiB,
    long? AvailableKiB,
    long? UsableKiB,
    long? DiskCachesKiB,
    long? LastUpdate,
    long? RssKiB,
    int StatsPeriodSeconds,
    long? GuestMemTotalKiB,
    long? GuestMemAvailableKiB);

/// <summary>autoballoon NAME --min SIZE --max SIZE [--target-free PCT] | --off.</summary>
public sealed record AutoBalloonRequest(string? Min = null, string? Max = null, int? TargetFreePercent = null, double? IntervalSeconds = null, bool Off = false);

/// <summary>An automatic-ballooning policy and what it last did.</summary>
public sealed record AutoBalloonInfo(
    bool Enabled,
    long MinKiB,
    long MaxKiB,
    int TargetFreePercent,
    long StepKiB,
    double IntervalSeconds,
    long? LastTargetKiB,
    long? LastActualKiB,
    long? LastUsableKiB,
    string? LastAction);

/// <summary>The guest's own view of its CPUs and memory, as an application inside sees them (virtlab-probe info).</summary>
public sealed record GuestViewInfo(
    long Nproc,
    int Affinity,
    string Online,
    string Present,
    long MemTotalKiB,
    long MemAvailableKiB,
    double UptimeSeconds);
