using Virtlab.Api;
using Virtlab.Qmp;

namespace Virtlab.Engine.Migration;

/// <summary>QEMU's <c>query-migrate</c> → virsh domjobinfo's fields.</summary>
public static class JobInfoMapper
{
    public static JobInfo FromQmp(MigrationInfo m, string? peer, string operation = "Outgoing migration")
    {
        var status = m.Status ?? "none";
        var type = status switch
        {
            "completed" => "Completed",
            "failed" => "Failed",
            "cancelled" => "Cancelled",
            "none" => "None",
            _ => "Unbounded",
        };
        var ram = m.Ram;
        var x = m.XbzrleCache;
        return new JobInfo(
            type,
            operation,
            status,
            TimeElapsedMs: m.TotalTime,
            DowntimeMs: m.Downtime,
            ExpectedDowntimeMs: m.ExpectedDowntime,
            SetupTimeMs: m.SetupTime,
            DataProcessed: ram?.Transferred,
            DataRemaining: ram?.Remaining,
            DataTotal: ram?.Total,
            MemoryProcessed: ram?.Transferred,
            MemoryRemaining: ram?.Remaining,
            MemoryTotal: ram?.Total,
            MemoryBandwidthMbps: ram?.Mbps,
            DirtyPagesRate: ram?.DirtyPagesRate,
            Iteration: ram?.DirtySyncCount,
            PageSize: ram?.PageSize,
            ConstantPages: ram?.Duplicate,
            SkippedPages: ram?.Skipped,
            NormalPages: ram?.Normal,
            NormalBytes: ram?.NormalBytes,
            CpuThrottlePercent: m.CpuThrottlePercentage,
            XbzrleCacheSize: x?.CacheSize,
            XbzrleBytes: x?.Bytes,
            XbzrlePages: x?.Pages,
            XbzrleCacheMisses: x?.CacheMiss,
            XbzrleCacheMissRate: x?.CacheMissRate,
            XbzrleOverflow: x?.Overflow,
            Error: m.ErrorDesc,
            Peer: peer);
    }

    public static JobSample Sample(MigrationInfo m, double seconds) => new(
        seconds,
        m.Status ?? "none",
        m.Ram?.Remaining ?? 0,
        m.Ram?.Transferred ?? 0,
        m.Ram?.DirtyPagesRate ?? 0,
        m.Ram?.DirtySyncCount ?? 0,
        m.CpuThrottlePercentage ?? 0,
        m.Ram?.Mbps ?? 0);
}
