using Virtlab.Api;
using Virtlab.Engine.Peers;

namespace Virtlab.Engine.Cluster;

/// <summary>The cluster's live hosts as etcd has them, and a call to one of them: what placement and evacuation share.</summary>
internal static class ClusterHosts
{
    /// <summary>Every host with a <c>/virtlab/hosts/</c> key (a live lease), by host id.</summary>
    public static async Task<List<ClusterHostRecord>> LiveAsync(LeaseKeeper keeper, CancellationToken cancellationToken) =>
        (await keeper.Store.GetPrefixAsync(ClusterKeys.HostsPrefix, cancellationToken).ConfigureAwait(false))
            .Select(kv => ClusterStatusBuilder.TryRead(kv.Value, ApiJsonContext.Default.ClusterHostRecord))
            .OfType<ClusterHostRecord>()
            .OrderBy(h => h.HostId, StringComparer.Ordinal)
            .ToList();

    /// <summary>The live host of that id, or a not-found that lists the live ones.</summary>
    public static ClusterHostRecord Find(List<ClusterHostRecord> hosts, string hostId, string what) =>
        hosts.SingleOrDefault(h => h.HostId == hostId)
            ?? throw new VirtlabException(ErrorKind.NotFound, $"{what}: no live host of that id in the cluster (live: {string.Join(", ", hosts.Select(h => h.HostId))}); 'virtlab cluster status' lists them");

    /// <summary>A client for that host's TCP API: this host's certificate (mutual TLS) and the cluster token.</summary>
    public static PeerClient Peer(LeaseKeeper keeper, ClusterHostRecord host, PeerCredentials tls) =>
        new(VirtlabUri.Parse(host.Address ?? throw NoAddress(host.HostId)), keeper.ClusterToken ?? string.Empty, tls);

    public static VirtlabException NoAddress(string hostId) =>
        new(ErrorKind.Unsupported, $"host {hostId} has no address other hosts can reach: start its daemon with 'virtlab daemon start --listen HOST:PORT'");
}
