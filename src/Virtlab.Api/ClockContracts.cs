namespace Virtlab.Api;

// Clocks and time (docs/CLOCKS.md): virsh domtime, suspend/resume, the guest's clocksource.

/// <summary>domtime: Sync sets the guest clock from the host's; TimeSeconds sets it to that Unix time; neither reads it.</summary>
public sealed record DomTimeRequest(bool Sync = false, long? TimeSeconds = null);

/// <summary>The guest's wall clock, the host's at the same moment, and guest minus host; before a set/sync, the offset it corrected.</summary>
public sealed record DomTimeReply(long GuestNs, long HostNs, double OffsetSeconds, double? OffsetBeforeSeconds);

/// <summary>resume: SyncTime sets the guest clock from the host's once the vCPUs run again (opt-in).</summary>
public sealed record ResumeRequest(bool SyncTime = false);

public sealed record ResumeReply(double? PausedSeconds, double? OffsetBeforeSyncSeconds, double? OffsetSeconds);

public sealed record GuestClockInfo(
    string Domain,
    string Accel,
    string Clocksource,
    IReadOnlyList<string> AvailableClocksources,
    bool KvmClock,
    bool ConstantTsc,
    bool NonstopTsc,
    bool TscKnownFreq,
    bool Invtsc,
    double OffsetSeconds,
    IReadOnlyList<string> KernelLines);
