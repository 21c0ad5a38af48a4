using System.Globalization;
using System.Text;
using Virtlab.Api;

namespace Virtlab.Cli;

/// <summary>A migration job as text: virsh domjobinfo's shape, or QEMU's <c>info migrate</c> as the talk shows it.</summary>
internal static class JobFormat
{
    /// <summary>One line of a running migration's progress (migrate's and host evacuate's displays).</summary>
    public static string ProgressLine(JobInfo j) => string.Create(
        CultureInfo.InvariantCulture,
        $"{j.Status}, remaining {Bytes(j.MemoryRemaining ?? 0)} of {Bytes(j.MemoryTotal ?? 0)}, dirty {j.DirtyPagesRate ?? 0} pages/s, iteration {j.Iteration ?? 0}, throttle {j.CpuThrottlePercent ?? 0} %");

    /// <summary>How much of the guest's memory has been sent, 0 to 100; null before QEMU knows its total.</summary>
    public static double? Percent(JobInfo j) =>
        j.MemoryTotal is > 0 ? 100.0 * (j.MemoryTotal.Value - (j.MemoryRemaining ?? 0)) / j.MemoryTotal.Value : null;

    public static string DomJobInfo(JobInfo j)
    {
        var sb = new StringBuilder();
        void Row(string label, string value) => sb.Append(CultureInfo.InvariantCulture, $"{label + ":",-18}{value}\n");
        void Num(string label, long? v, string unit) { if (v is { } x) Row(label, string.Create(CultureInfo.InvariantCulture, $"{x,-12} {unit}").TrimEnd()); }
        void Size(string label, long? v) { if (v is { } x) Row(label, Bytes(x)); }

        Row("Job type", j.JobType);
        if (j.JobType == "None")
        {
            return sb.Append('\n').ToString();
        }

        Row("Operation", j.Operation);
        Num("Time elapsed", j.TimeElapsedMs, "ms");
        Size("Data processed", j.DataProcessed);
        Size("Data remaining", j.DataRemaining);
        Size("Data total", j.DataTotal);
        Size("Memory processed", j.MemoryProcessed);
        Size("Memory remaining", j.MemoryRemaining);
        Size("Memory total", j.MemoryTotal);
        if (j.MemoryBandwidthMbps is { } mbps)
        {
            Row("Memory bandwidth", string.Create(CultureInfo.InvariantCulture, $"{mbps * 1e6 / 8 / 1048576:0.000} MiB/s"));
        }

        Num("Dirty rate", j.DirtyPagesRate, "pages/s");
        Num("Page size", j.PageSize, "bytes");
        Num("Iteration", j.Iteration, string.Empty);
        Num("Constant pages", j.ConstantPages, string.Empty);
        Num("Normal pages", j.NormalPages, string.Empty);
        Size("Normal data", j.NormalBytes);
        Num(j.JobType == "Unbounded" ? "Expected downtime" : "Total downtime", j.JobType == "Unbounded" ? j.ExpectedDowntimeMs : j.DowntimeMs, "ms");
        Num("Setup time", j.SetupTimeMs, "ms");
        Size("Compression cache", j.XbzrleCacheSize);
        Size("Compressed data", j.XbzrleBytes);
        Num("Compressed pages", j.XbzrlePages, string.Empty);
        Num("Compression cache misses", j.XbzrleCacheMisses, string.Empty);
        Num("Compression overflows", j.XbzrleOverflow, string.Empty);
        Num("Auto converge throttle", j.CpuThrottlePercent, string.Empty);
        if (j.Error is { } e)
        {
            Row("Error", e);
        }

        if (j.Peer is { } p)
        {
            Row("Peer", p);
        }

        return sb.Append('\n').ToString();
    }

    /// <summary>QEMU's HMP <c>info migrate</c>, in the fields and units of the talk's slide.</summary>
    public static string InfoMigrate(JobInfo j)
    {
        var sb = new StringBuilder();
        void Line(string s) => sb.Append(s).Append('\n');
        string K(long? b) => string.Create(CultureInfo.InvariantCulture, $"{(b ?? 0) / 1024} kbytes");
        Line($"Migration status: {j.Status}");
        Line(string.Create(CultureInfo.InvariantCulture, $"total time: {j.TimeElapsedMs ?? 0} milliseconds"));
        Line(j.JobType == "Unbounded"
            ? string.Create(CultureInfo.InvariantCulture, $"expected downtime: {j.ExpectedDowntimeMs ?? 0} milliseconds")
            : string.Create(CultureInfo.InvariantCulture, $"downtime: {j.DowntimeMs ?? 0} milliseconds"));
        Line(string.Create(CultureInfo.InvariantCulture, $"setup: {j.SetupTimeMs ?? 0} milliseconds"));
        Line($"transferred ram: {K(j.MemoryProcessed)}");
        Line(string.Create(CultureInfo.InvariantCulture, $"throughput: {j.MemoryBandwidthMbps ?? 0:0.00} mbps"));
        Line($"remaining ram: {K(j.MemoryRemaining)}");
        Line($"total ram: {K(j.MemoryTotal)}");
        Line(string.Create(CultureInfo.InvariantCulture, $"duplicate: {j.ConstantPages ?? 0} pages"));
        Line(string.Create(CultureInfo.InvariantCulture, $"skipped: {j.SkippedPages ?? 0} pages"));
        Line(string.Create(CultureInfo.InvariantCulture, $"normal: {j.NormalPages ?? 0} pages"));
        Line(string.Create(CultureInfo.InvariantCulture, $"normal bytes: {K(j.NormalBytes)}"));
        Line(string.Create(CultureInfo.InvariantCulture, $"dirty pages rate: {j.DirtyPagesRate ?? 0} pages"));
        Line(string.Create(CultureInfo.InvariantCulture, $"dirty sync count: {j.Iteration ?? 0}"));
        Line(string.Create(CultureInfo.InvariantCulture, $"cpu throttle percentage: {j.CpuThrottlePercent ?? 0}"));
        if (j.XbzrleCacheSize is { } cache)
        {
            Line($"cache size: {cache} bytes");
            Line($"xbzrle transferred: {K(j.XbzrleBytes)}");
            Line(string.Create(CultureInfo.InvariantCulture, $"xbzrle pages: {j.XbzrlePages ?? 0} pages"));
            Line(string.Create(CultureInfo.InvariantCulture, $"xbzrle cache miss: {j.XbzrleCacheMisses ?? 0} pages"));
            Line(string.Create(CultureInfo.InvariantCulture, $"xbzrle cache miss rate: {j.XbzrleCacheMissRate ?? 0:0.00}"));
            Line(string.Create(CultureInfo.InvariantCulture, $"xbzrle overflow: {j.XbzrleOverflow ?? 0}"));
        }

        return sb.ToString();
    }

    public static string Bytes(long b) => b switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{b / (double)(1L << 30):0.000} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{b / (double)(1L << 20):0.000} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{b / 1024.0:0.000} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{b:0.000} B"),
    };
}
