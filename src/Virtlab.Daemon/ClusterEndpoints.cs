using Virtlab.Api;
using Virtlab.Engine.Cluster;

namespace Virtlab.Daemon;

/// <summary>cluster init / join / leave / status / baseline, host evacuate and its progress (docs/CLUSTER.md).</summary>
internal static class ClusterEndpoints
{
    public static void Map(RouteGroupBuilder v1, ClusterService cluster, PlacementService placement, EvacuationService evacuation)
    {
        v1.MapPost("/cluster/init", (ClusterJoinRequest req, CancellationToken ct) => cluster.InitAsync(req, ct));
        v1.MapPost("/cluster/join", (ClusterJoinRequest req, CancellationToken ct) => cluster.JoinAsync(req, ct));
        v1.MapPost("/cluster/leave", (CancellationToken ct) => cluster.LeaveAsync(ct));
        v1.MapGet("/cluster/status", (CancellationToken ct) => cluster.StatusAsync(ct));
        v1.MapGet("/cluster/baseline", (CancellationToken ct) => placement.BaselineAsync(ct));
        v1.MapPost("/cluster/hosts/{host}/evacuate", (string host, HostEvacuateRequest req, CancellationToken ct) => evacuation.EvacuateAsync(host, req, ct));
        v1.MapGet("/cluster/hosts/{host}/evacuation", (string host, CancellationToken ct) => evacuation.ProgressAsync(host, ct));
    }
}
