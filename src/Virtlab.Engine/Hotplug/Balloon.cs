using System.Text.Json.Nodes;
using Virtlab.Engine.Domains;

namespace Virtlab.Engine.Hotplug;

/// <summary>The balloon device's QOM path, its statistics switch and figures, and the RAM plugged into a domain.</summary>
internal static class Balloon
{
    public const string Path = "/machine/peripheral/balloon0";

    /// <summary>Switches guest-stats polling on (the definition's period, default 2 s) once per QEMU process.</summary>
    public static async Task<int> EnsureStatsPollingAsync(DomainObject domain, CancellationToken cancellationToken)
    {
        var period = domain.Definition.Balloon?.StatsPeriodSeconds is > 0 and var p ? p : 2;
        if (domain.StatsPollingPeriod == period)
        {
            return period;
        }

        await QmpCalls.CallAsync(domain, c => c.QomSetAsync(Path, "guest-stats-polling-interval", JsonValue.Create(period), cancellationToken)).ConfigureAwait(false);
        domain.StatsPollingPeriod = period;
        return period;
    }

    /// <summary>Base RAM plus plugged DIMMs, in KiB.</summary>
    public static async Task<long> PluggedRamKiBAsync(DomainObject domain, CancellationToken cancellationToken)
    {
        var (baseMemory, plugged) = await QmpCalls.CallAsync(domain, c => c.QueryMemorySizeSummaryAsync(cancellationToken)).ConfigureAwait(false);
        return (baseMemory + plugged) / 1024;
    }

    /// <summary>A guest-stats figure, null when the guest has not reported it (-1).</summary>
    public static long? Stat(JsonObject? stats, string key) =>
        stats?[key]?.GetValue<long>() is { } v && v >= 0 ? v : null;

    /// <summary>A guest-stats byte figure in KiB.</summary>
    public static long? Kib(JsonObject? stats, string key) => Stat(stats, key) is { } v ? v / 1024 : null;
}
