namespace Virtlab.Qmp;

/// <summary>Reply of <c>query-migrate</c> (times in ms, sizes in bytes). Fields absent in a state are null.</summary>
/// <param name="Status">none, setup, active, postcopy-active, device, completed, failed, cancelling, cancelled, ...</param>
public sealed record MigrationInfo(
    string? Status,
    long? TotalTime,
    long? ExpectedDowntime,
    long? Downtime,
    long? SetupTime,
    MigrationRamStats? Ram,
    XbzrleCacheStats? XbzrleCache,
    int? CpuThrottlePercentage,
    string? ErrorDesc);

/// <summary>The <c>ram</c> part of <c>query-migrate</c>.</summary>
public sealed record MigrationRamStats(
    long Transferred,
    long Remaining,
    long Total,
    long Duplicate,
    long? Skipped,
    long Normal,
    long NormalBytes,
    long DirtyPagesRate,
    double Mbps,
    long DirtySyncCount,
    long? PagesPerSecond,
    long? PrecopyBytes,
    long? DowntimeBytes,
    long? PostcopyBytes,
    long? PageSize);

/// <summary>The <c>xbzrle-cache</c> part of <c>query-migrate</c>.</summary>
public sealed record XbzrleCacheStats(
    long CacheSize,
    long Bytes,
    long Pages,
    long CacheMiss,
    double CacheMissRate,
    double? EncodingRate,
    long Overflow);
