using System.Text.Json;
using Virtlab.Api;

namespace Virtlab.Engine.Cluster;

/// <summary>
/// The rows of cluster status from what etcd holds: one per member (joined and not left). A member whose leased host
/// key exists is <c>alive</c>; one whose lease is gone (its daemon died or lost etcd for longer than its TTL) is
/// <c>expired</c>. A host key with no member key (a host mid-join) is listed too. Pure: the keys in, the rows out.
/// </summary>
public static class ClusterStatusBuilder
{
    public const string Alive = "alive";

    public const string Expired = "expired";

    public static IReadOnlyList<ClusterHostStatus> Rows(
        IReadOnlyList<EtcdKeyValue> members,
        IReadOnlyList<EtcdKeyValue> hosts,
        IReadOnlyList<ClusterVmOwner> owners,
        IReadOnlyDictionary<long, long?> leaseRemaining,
        string? self)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(hosts);
        ArgumentNullException.ThrowIfNull(owners);
        ArgumentNullException.ThrowIfNull(leaseRemaining);
        var memberRecords = new Dictionary<string, ClusterMemberRecord?>(StringComparer.Ordinal);
        foreach (var kv in members)
        {
            if (ClusterKeys.HostIdOf(kv.Key) is { } id)
            {
                memberRecords[id] = TryRead(kv.Value, ApiJsonContext.Default.ClusterMemberRecord);
            }
        }

        var hostRecords = new Dictionary<string, (ClusterHostRecord? Record, long Lease)>(StringComparer.Ordinal);
        foreach (var kv in hosts)
        {
            if (ClusterKeys.HostIdOf(kv.Key) is { } id)
            {
                hostRecords[id] = (TryRead(kv.Value, ApiJsonContext.Default.ClusterHostRecord), kv.Lease);
            }
        }

        var rows = new List<ClusterHostStatus>();
        foreach (var id in memberRecords.Keys.Union(hostRecords.Keys).Order(StringComparer.Ordinal))
        {
            var owned = owners.Where(o => o.Owner == id).Select(o => o.Name).Order(StringComparer.Ordinal).ToList();
            if (hostRecords.TryGetValue(id, out var host))
            {
                var h = host.Record;
                var remaining = leaseRemaining.TryGetValue(host.Lease, out var r) ? r : null;
                rows.Add(new ClusterHostStatus(
                    id, Alive, remaining, h?.Address ?? memberRecords.GetValueOrDefault(id)?.Address, h?.CpuModel, h?.Cores, h?.FreeMemoryKiB,
                    h?.QemuVersion, h?.Accelerator, h?.Vms ?? [], owned, id == self));
            }
            else
            {
                rows.Add(new ClusterHostStatus(
                    id, Expired, null, memberRecords[id]?.Address, null, null, null, null, null, [], owned, id == self));
            }
        }

        return rows;
    }

    /// <summary>The ownership keys under /virtlab/vms/, sorted by VM name.</summary>
    public static IReadOnlyList<ClusterVmOwner> Owners(IReadOnlyList<EtcdKeyValue> vms)
    {
        ArgumentNullException.ThrowIfNull(vms);
        return vms
            .Select(kv => (Name: ClusterKeys.VmOfOwnerKey(kv.Key), Owner: kv.Value))
            .Where(o => o.Name is not null)
            .Select(o => new ClusterVmOwner(o.Name!, o.Owner))
            .OrderBy(o => o.Name, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The state keys under /virtlab/vms/ (what the cluster wants of each VM, and where), sorted by VM name.</summary>
    public static IReadOnlyList<ClusterVmStatus> States(IReadOnlyList<EtcdKeyValue> vms)
    {
        ArgumentNullException.ThrowIfNull(vms);
        return vms
            .Select(kv => (Name: ClusterKeys.VmOfStateKey(kv.Key), State: TryRead(kv.Value, ApiJsonContext.Default.ClusterVmState)))
            .Where(s => s.Name is not null && s.State is not null)
            .Select(s => new ClusterVmStatus(s.Name!, s.State!.State, s.State.Host, s.State.Since, s.State.Note))
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The last <paramref name="count"/> events under /virtlab/events/, oldest first (their keys sort by time).</summary>
    public static IReadOnlyList<ClusterEvent> LatestEvents(IReadOnlyList<EtcdKeyValue> events, int count)
    {
        ArgumentNullException.ThrowIfNull(events);
        return events
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => TryRead(kv.Value, ApiJsonContext.Default.ClusterEvent))
            .OfType<ClusterEvent>()
            .TakeLast(count)
            .ToList();
    }

    /// <summary>A JSON value read from etcd, or null when it is not one (another writer's, or a newer version's).</summary>
    internal static T? TryRead<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(json, type);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
