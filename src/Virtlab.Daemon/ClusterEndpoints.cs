using Virtlab.Api;
using Virtlab.Engine.Cluster;

namespace Virtlab.Daemon;

/// <summary>cluster init / join / leave / status, host evacuate (docs/CLUSTER.md).</summary>
internal static class ClusterEndpoints
{
    public static void Map(RouteGroupBuilder v1, ClusterService cluster)
    {
        v1.MapPost("/cluster/init", (ClusterJoinRequest req, CancellationToken ct) => cluster.InitAsync(req, ct));
        v1.MapPost("/cluster/join", (ClusterJoinRequest req, CancellationToken ct) => cluster.JoinAsync(req, ct));
        v1.MapPost("/cluster/leave", (CancellationToken ct) => cluster.LeaveAsync(ct));
        v1.MapGet("/cluster/status", (CancellationToken ct) => cluster.StatusAsync(ct));
        v1.MapPost("/cluster/hosts/{host}/evacuate", (string host, HostEvacuateRequest req, CancellationToken ct) => cluster.EvacuateAsync(host, req, ct));
    }
}
