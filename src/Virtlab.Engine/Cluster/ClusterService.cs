using System.Text.Json;
using Virtlab.Api;
using Virtlab.Domain.Definitions;
using Virtlab.Engine.Domains;

namespace Virtlab.Engine.Cluster;

/// <summary>
/// cluster init / join / leave / status: this daemon's membership of a Virtlab cluster whose state is in etcd
/// (docs/CLUSTER.md). Opt-in: a daemon that never joined makes no etcd call at all. The membership (endpoints, TTL,
/// host id, lease) is kept in the daemon's state, so a restarted daemon registers again by itself. As the engine's
/// <see cref="IVmOwnership"/>, it lets this host start a VM only while it owns it in etcd. Placement
/// (<see cref="PlacementService"/>) and evacuation (<see cref="EvacuationService"/>) act through its membership.
/// </summary>
/// <param name="restart">Starts a dead host's VM here (defined already) and waits for its agent; null: this host restarts none.</param>
public sealed class ClusterService(
    EngineContext context,
    ClusterOptions options,
    Func<DomainDefinition, CancellationToken, Task>? restart = null)
    : IAsyncDisposable, IVmOwnership
{
    private const string MembershipSetting = "cluster.membership";
    private const string HostIdSetting = "cluster.host-id";
    private readonly SemaphoreSlim _gate = new(1, 1);
    private LeaseKeeper? _keeper;

    /// <summary>cluster init: creates the cluster in etcd (refused if one is there) and registers this host.</summary>
    public Task<ClusterJoinReply> InitAsync(ClusterJoinRequest req, CancellationToken cancellationToken) =>
        JoinAsync(req, init: true, cancellationToken);

    /// <summary>cluster join: registers this host in the cluster etcd holds (refused if there is none).</summary>
    public Task<ClusterJoinReply> JoinAsync(ClusterJoinRequest req, CancellationToken cancellationToken) =>
        JoinAsync(req, init: false, cancellationToken);

    /// <summary>cluster leave: revokes this host's lease (its host and ownership keys go with it) and forgets the membership.</summary>
    public async Task<ClusterJoinReply> LeaveAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var membership = LoadMembership()
                ?? throw new VirtlabException(ErrorKind.InvalidState, "this host is not in a cluster: nothing to leave");
            var keeper = _keeper ?? new LeaseKeeper(context, options, new EtcdStore(membership.Endpoints, options.CallTimeout), membership, SaveMembership);
            _keeper = null;
            string message;
            try
            {
                var revoked = await keeper.RevokeAsync(cancellationToken).ConfigureAwait(false);
                await keeper.Store.DeleteAsync(ClusterKeys.Member(membership.HostId), cancellationToken).ConfigureAwait(false);
                message = revoked
                    ? $"Host '{membership.HostId}' left the cluster (lease revoked)"
                    : $"Host '{membership.HostId}' left the cluster (its lease had already expired)";
            }
            catch (VirtlabException e) when (e.Kind == ErrorKind.Unreachable)
            {
                message = $"Host '{membership.HostId}' left the cluster here, but etcd did not answer ({e.Message}); its lease expires within {membership.LeaseTtlSeconds} s and its member key stays until a leave reaches etcd";
            }
            finally
            {
                await keeper.DisposeAsync().ConfigureAwait(false);
            }

            context.Store.RemoveSetting(MembershipSetting);
            context.Log?.Invoke("cluster: " + message);
            return new ClusterJoinReply(membership.HostId, membership.Endpoints, membership.LeaseTtlSeconds, null, message);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>cluster status: this host's membership as it sees it, then every member as etcd has it.</summary>
    public async Task<ClusterStatusInfo> StatusAsync(CancellationToken cancellationToken)
    {
        var membership = LoadMembership();
        var keeper = _keeper;
        if (membership is null)
        {
            return new ClusterStatusInfo(false, context.Store.GetSetting(HostIdSetting), [], 0, "not in a cluster", null, [], [], null);
        }

        var lease = keeper?.State ?? "not registered yet";
        var store = keeper?.Store ?? new EtcdStore(membership.Endpoints, options.CallTimeout);
        try
        {
            var members = await store.GetPrefixAsync(ClusterKeys.MembersPrefix, cancellationToken).ConfigureAwait(false);
            var hosts = await store.GetPrefixAsync(ClusterKeys.HostsPrefix, cancellationToken).ConfigureAwait(false);
            var vms = await store.GetPrefixAsync(ClusterKeys.VmsPrefix, cancellationToken).ConfigureAwait(false);
            var owners = ClusterStatusBuilder.Owners(vms);
            var remaining = new Dictionary<long, long?>();
            foreach (var id in hosts.Select(h => h.Lease).Where(l => l != 0).Distinct())
            {
                remaining[id] = await store.LeaseRemainingAsync(id, cancellationToken).ConfigureAwait(false);
            }

            var rows = ClusterStatusBuilder.Rows(members, hosts, owners, remaining, membership.HostId);
            var events = ClusterStatusBuilder.LatestEvents(await store.GetPrefixAsync(ClusterKeys.EventsPrefix, cancellationToken).ConfigureAwait(false), 10);
            return new ClusterStatusInfo(true, membership.HostId, membership.Endpoints, membership.LeaseTtlSeconds, lease, keeper?.Fenced, rows, owners, null, events, ClusterStatusBuilder.States(vms));
        }
        catch (VirtlabException e) when (e.Kind == ErrorKind.Unreachable)
        {
            return new ClusterStatusInfo(true, membership.HostId, membership.Endpoints, membership.LeaseTtlSeconds, lease, keeper?.Fenced, [], [], e.Message);
        }
        finally
        {
            if (keeper is null)
            {
                store.Dispose();
            }
        }
    }

    /// <summary>
    /// The daemon started: a host that was a member registers again with a new lease (revoking the one its previous
    /// daemon left). Never fails the daemon's start: while etcd does not answer, the keep-alive loop keeps trying.
    /// </summary>
    public void Rejoin()
    {
        var membership = LoadMembership();
        if (membership is null)
        {
            return;
        }

        var keeper = new LeaseKeeper(context, options, new EtcdStore(membership.Endpoints, options.CallTimeout), membership, SaveMembership, restart);
        _keeper = keeper;
        keeper.Start();
        context.Log?.Invoke($"cluster: rejoining as host {membership.HostId} ({string.Join(",", membership.Endpoints)})");
    }

    public string? HostId => _keeper?.Membership.HostId ?? LoadMembership()?.HostId;

    /// <summary>The token this host accepts from the cluster's other hosts, while it is registered in one.</summary>
    public string? Token => _keeper?.ClusterToken;

    public async Task AcquireAsync(DomainDefinition def, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(def);
        if (LoadMembership() is null)
        {
            return;
        }

        var (keeper, lease) = Live($"start '{def.Name}'");
        await keeper.Vms.AcquireAsync(def, lease, cancellationToken).ConfigureAwait(false);
    }

    public async Task HandOverAsync(string name, string? destinationHost, CancellationToken cancellationToken)
    {
        if (LoadMembership() is null)
        {
            return;
        }

        var (keeper, _) = Live($"hand '{name}' over to another host");
        await keeper.Vms.HandOverAsync(name, destinationHost, cancellationToken).ConfigureAwait(false);
    }

    public async Task TakeBackAsync(string name, string? destinationHost, CancellationToken cancellationToken)
    {
        if (LoadMembership() is not null && _keeper is { Lease: { } lease } keeper)
        {
            await keeper.Vms.TakeBackAsync(name, destinationHost, lease, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_keeper is { } keeper)
        {
            _keeper = null;
            await keeper.DisposeAsync().ConfigureAwait(false);
        }

        _gate.Dispose();
    }

    private async Task<ClusterJoinReply> JoinAsync(ClusterJoinRequest req, bool init, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        var (endpoints, ttl) = ClusterRequestParser.Parse(req.Etcd, req.LeaseTtl);
        var verb = init ? "init" : "join";
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (LoadMembership() is { } current)
            {
                throw new VirtlabException(
                    ErrorKind.AlreadyExists,
                    $"this host is already in a cluster as '{current.HostId}' (etcd {string.Join(",", current.Endpoints)}): 'virtlab cluster leave' first");
            }

            var hostId = context.Store.GetSetting(HostIdSetting) ?? ClusterKeys.NewHostId();
            var store = new EtcdStore(endpoints, options.CallTimeout);
            LeaseKeeper? keeper = null;
            try
            {
                var etcdList = string.Join(",", endpoints);
                if (init)
                {
                    var token = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
                    var record = JsonSerializer.Serialize(new ClusterRecord(hostId, DateTimeOffset.UtcNow, token), ApiJsonContext.Default.ClusterRecord);
                    if (await store.CreateAsync(ClusterKeys.Cluster, record, 0, cancellationToken).ConfigureAwait(false) is not null)
                    {
                        throw new VirtlabException(ErrorKind.AlreadyExists, $"etcd at {etcdList} already holds a Virtlab cluster: use 'virtlab cluster join --etcd {etcdList}'");
                    }
                }
                else if (await store.GetAsync(ClusterKeys.Cluster, cancellationToken).ConfigureAwait(false) is null)
                {
                    throw new VirtlabException(ErrorKind.NotFound, $"etcd at {etcdList} holds no Virtlab cluster: start one with 'virtlab cluster init --etcd {etcdList}'");
                }

                context.Store.SetSetting(HostIdSetting, hostId);
                keeper = new LeaseKeeper(context, options, store, new ClusterMembershipRecord(hostId, endpoints, ttl, null), SaveMembership, restart);
                await keeper.RegisterAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                if (keeper?.Lease is { } granted)
                {
                    try
                    {
                        await store.RevokeLeaseAsync(granted, CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (VirtlabException)
                    {
                        // It expires by itself within the TTL.
                    }
                }

                context.Store.RemoveSetting(MembershipSetting);
                store.Dispose();
                throw;
            }

            keeper.Start();
            _keeper = keeper;
            var lease = keeper.Lease?.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
            var message = init
                ? $"Cluster created in etcd {string.Join(",", endpoints)}; host '{hostId}' joined (lease {lease}, TTL {ttl} s)"
                : $"Host '{hostId}' joined the cluster in etcd {string.Join(",", endpoints)} (lease {lease}, TTL {ttl} s)";
            context.Log?.Invoke($"cluster {verb}: {message}");
            return new ClusterJoinReply(hostId, endpoints, ttl, lease, message);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The keeper of a registered member with a live lease, or why this host cannot do <paramref name="what"/> (placement and evacuation ask).</summary>
    internal LeaseKeeper Member(string what)
    {
        if (LoadMembership() is null)
        {
            throw new VirtlabException(ErrorKind.InvalidInput, $"{what}: this host is not in a cluster: 'virtlab cluster join --etcd HOST:PORT' first");
        }

        return Live(what).Keeper;
    }

    /// <summary>The keeper and its live lease, or why this member may not act on a VM now.</summary>
    private (LeaseKeeper Keeper, long Lease) Live(string what)
    {
        if (_keeper is { Lease: { } lease } keeper)
        {
            return (keeper, lease);
        }

        throw new VirtlabException(
            ErrorKind.InvalidState,
            $"this host is in a cluster but holds no live lease in etcd ({_keeper?.State ?? "not registered yet"}), so it may not {what}: a host cut off from etcd runs nothing new; 'virtlab cluster status' shows when it is back");
    }

    private ClusterMembershipRecord? LoadMembership() =>
        context.Store.GetSetting(MembershipSetting) is { } json ? JsonSerializer.Deserialize(json, ApiJsonContext.Default.ClusterMembershipRecord) : null;

    private void SaveMembership(ClusterMembershipRecord membership) =>
        context.Store.SetSetting(MembershipSetting, JsonSerializer.Serialize(membership, ApiJsonContext.Default.ClusterMembershipRecord));
}
