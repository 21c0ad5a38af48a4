using Virtlab.Api;
using Virtlab.Domain.Definitions;
using Virtlab.Domain.Json;
using Virtlab.Engine.Domains;

namespace Virtlab.Engine.Cluster;

/// <summary>
/// Which host of the cluster gets a new VM, and handing it there (docs/CLUSTER.md): create --cluster / --host H,
/// define --cluster / --host H, and cluster baseline (the CPU every live host can run). The rule itself is
/// <see cref="ClusterPlacement"/> (pure); this class reads the live hosts from etcd, asks it, and forwards the request
/// to the chosen host over its TCP API.
/// </summary>
/// <param name="define">Defines a VM on this host: the lifecycle feature's define.</param>
/// <param name="baseline">cpu-baseline over lists of CPU flags: the CPU feature's.</param>
public sealed class PlacementService(
    EngineContext context,
    ClusterService cluster,
    Func<DomainDefinition, DomainDefinition>? define = null,
    Func<CpuBaselineRequest, CancellationToken, Task<CpuBaselineReply>>? baseline = null)
{
    private const string Defined = "shut off";

    /// <summary>
    /// create --cluster / --host H: null when this host is the one (the caller creates it here); otherwise the VM is
    /// created on the chosen host and this is what that host says of it.
    /// </summary>
    public async Task<DomainInfo?> CreatePlacedAsync(CreateRequest req, DomainDefinition def, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        ArgumentNullException.ThrowIfNull(def);
        var keeper = cluster.Member("create --cluster");
        var (host, _) = await PlaceAsync(keeper, def, req.Host, cancellationToken).ConfigureAwait(false);
        if (host.HostId == keeper.Membership.HostId)
        {
            context.Log?.Invoke($"cluster: '{def.Name}' placed on this host");
            return null;
        }

        using var peer = ClusterHosts.Peer(keeper, host, context.PeerTls.Value);
        context.Log?.Invoke($"cluster: '{def.Name}' placed on host {host.HostId} ({peer.Uri})");
        return await peer.CreateAsync(req with { Cluster = false, Host = null }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// define --cluster / --host H: the definition goes to the host placement chooses (to the live host that holds it
    /// already, for a VM defined in the cluster before: there a second define is refused as it is for any define), and into etcd (<c>/virtlab/vms/NAME/definition</c>, state <c>shut off</c>
    /// on that host). Refused while a host runs the VM, or should (an orphan waiting for its restart).
    /// </summary>
    public async Task<DomainSummary> DefinePlacedAsync(DefineRequest req, DomainDefinition def, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        ArgumentNullException.ThrowIfNull(def);
        var keeper = cluster.Member("define --cluster");
        var (state, revision) = await DefinableAsync(keeper, def.Name, cancellationToken).ConfigureAwait(false);
        var pinned = req.Host;
        if (state?.Host is { } holder && state.State == Defined
            && (await ClusterHosts.LiveAsync(keeper, cancellationToken).ConfigureAwait(false)).Any(h => h.HostId == holder))
        {
            pinned ??= holder;
            if (pinned != holder)
            {
                throw new VirtlabException(ErrorKind.AlreadyExists, $"VM '{def.Name}' is defined on host {holder} in the cluster: define it there (--host {holder}), or undefine it there first");
            }
        }

        var (host, _) = await PlaceAsync(keeper, def, pinned, cancellationToken).ConfigureAwait(false);
        DomainSummary summary;
        if (host.HostId == keeper.Membership.HostId)
        {
            var done = (define ?? throw new VirtlabException(ErrorKind.Unsupported, "this daemon cannot define"))(def);
            summary = new DomainSummary(null, done.Name, Defined, host.HostId);
        }
        else
        {
            using var peer = ClusterHosts.Peer(keeper, host, context.PeerTls.Value);
            summary = await peer.DefineAsync(req with { Cluster = false, Host = null }, cancellationToken).ConfigureAwait(false);
        }

        var txn = new EtcdTxn()
            .IfCreateRevision(ClusterKeys.VmOwner(def.Name), 0)
            .IfModRevision(ClusterKeys.VmState(def.Name), revision)
            .Put(ClusterKeys.VmDefinition(def.Name), DomainJson.Serialize(def))
            .Put(ClusterKeys.VmState(def.Name), OwnershipKeeper.StateJson(Defined, host.HostId, "defined there (define --cluster)"));
        if (!await keeper.Store.CommitAsync("record the definition of " + def.Name, txn, cancellationToken).ConfigureAwait(false))
        {
            throw new VirtlabException(
                ErrorKind.InvalidState,
                $"'{def.Name}' was defined on host {host.HostId}, but the cluster's record of it changed meanwhile (another host started or defined it), so etcd was left as it is: 'virtlab cluster status' shows who owns it");
        }

        context.Log?.Invoke($"cluster: '{def.Name}' defined on host {host.HostId}");
        return summary with { ClusterHost = host.HostId };
    }

    /// <summary>
    /// cluster baseline: cpu-baseline over the CPU flags every live host publishes: the features all of them have, the
    /// largest model of this host's QEMU within them, and the <c>--cpu</c> to give so that any host can run the VM.
    /// </summary>
    public async Task<ClusterBaselineReply> BaselineAsync(CancellationToken cancellationToken)
    {
        var keeper = cluster.Member("cluster baseline");
        var hosts = await ClusterHosts.LiveAsync(keeper, cancellationToken).ConfigureAwait(false);
        if (hosts.Count == 0)
        {
            throw new VirtlabException(ErrorKind.InvalidState, "cluster baseline: no live host in the cluster: 'virtlab cluster status' shows the hosts");
        }

        var reply = await (baseline ?? throw new VirtlabException(ErrorKind.Unsupported, "this daemon cannot compute a CPU baseline"))(
            new CpuBaselineRequest(hosts.Select(h => string.Join(' ', h.CpuFlags)).ToList()), cancellationToken).ConfigureAwait(false);
        return new ClusterBaselineReply(hosts.Select(h => new ClusterBaselineHost(h.HostId, h.CpuModel, h.CpuFlags.Count, h.Accelerator)).ToList(), reply);
    }

    /// <summary>The host to run <paramref name="def"/> (the pinned one, if it can), and the live hosts; or why none.</summary>
    internal async Task<(ClusterHostRecord Host, List<ClusterHostRecord> Hosts)> PlaceAsync(
        LeaseKeeper keeper, DomainDefinition def, string? pinned, CancellationToken cancellationToken)
    {
        var required = (await context.CpuCaps.GetAsync(cancellationToken).ConfigureAwait(false)).RequiredHostFlags(def.Cpu);
        var hosts = await ClusterHosts.LiveAsync(keeper, cancellationToken).ConfigureAwait(false);
        var candidates = pinned is null ? hosts : [ClusterHosts.Find(hosts, pinned, $"--host {pinned}")];
        var chosen = ClusterPlacement.Choose(def, required, candidates)
            ?? throw new VirtlabException(ErrorKind.InvalidInput, ClusterPlacement.Refusal(def, ClusterPlacement.Judge(def, required, candidates)));
        return (hosts.Single(h => h.HostId == chosen), hosts);
    }

    /// <summary>The VM's state in etcd and its revision (0: none), or why it may not be defined now.</summary>
    private static async Task<(ClusterVmState? State, long Revision)> DefinableAsync(LeaseKeeper keeper, string name, CancellationToken cancellationToken)
    {
        if (await keeper.Store.GetAsync(ClusterKeys.VmOwner(name), cancellationToken).ConfigureAwait(false) is { } owner)
        {
            throw new VirtlabException(ErrorKind.InvalidState, $"VM '{name}' runs in the cluster, on host {owner.Value}: change its definition there once it is shut off");
        }

        var kv = await keeper.Store.GetAsync(ClusterKeys.VmState(name), cancellationToken).ConfigureAwait(false);
        var state = kv is null ? null : OwnershipKeeper.ReadState(kv.Value);
        if (state?.State == OwnershipKeeper.Running)
        {
            throw new VirtlabException(ErrorKind.InvalidState, $"VM '{name}' should run on host {state.Host} (its host died; a restart elsewhere is under way): not defined");
        }

        return (state, kv?.ModRevision ?? 0);
    }
}
