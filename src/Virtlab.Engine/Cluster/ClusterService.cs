using System.Text.Json;
using Virtlab.Api;
using Virtlab.Domain.Definitions;
using Virtlab.Engine.Domains;
using Virtlab.Engine.Peers;

namespace Virtlab.Engine.Cluster;

/// <summary>
/// cluster init / join / leave / status: this daemon's membership of a Virtlab cluster whose state is in etcd
/// (docs/CLUSTER.md). Opt-in: a daemon that never joined makes no etcd call at all. The membership (endpoints, TTL,
/// host id, lease) is kept in the daemon's state, so a restarted daemon registers again by itself. As the engine's
/// <see cref="IVmOwnership"/>, it lets this host start a VM only while it owns it in etcd.
/// </summary>
/// <param name="restart">Starts a dead host's VM here (defined already) and waits for its agent; null: this host restarts none.</param>
/// <param name="migrate">Live-migrates a VM of this host (evacuation): the migration feature's migrate.</param>
public sealed class ClusterService(
    EngineContext context,
    ClusterOptions options,
    Func<DomainDefinition, CancellationToken, Task>? restart = null,
    Func<string, MigrateRequest, CancellationToken, Task<MigrateResult>>? migrate = null)
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
            var owners = ClusterStatusBuilder.Owners(await store.GetPrefixAsync(ClusterKeys.VmsPrefix, cancellationToken).ConfigureAwait(false));
            var remaining = new Dictionary<long, long?>();
            foreach (var id in hosts.Select(h => h.Lease).Where(l => l != 0).Distinct())
            {
                remaining[id] = await store.LeaseRemainingAsync(id, cancellationToken).ConfigureAwait(false);
            }

            var rows = ClusterStatusBuilder.Rows(members, hosts, owners, remaining, membership.HostId);
            var events = ClusterStatusBuilder.LatestEvents(await store.GetPrefixAsync(ClusterKeys.EventsPrefix, cancellationToken).ConfigureAwait(false), 10);
            return new ClusterStatusInfo(true, membership.HostId, membership.Endpoints, membership.LeaseTtlSeconds, lease, keeper?.Fenced, rows, owners, null, events);
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

    /// <summary>
    /// create --cluster / --host H: places the VM (<see cref="ClusterPlacement"/>). Null when this host is the one (the
    /// caller creates it here); otherwise the VM is created on the chosen host and this is what that host says of it.
    /// </summary>
    public async Task<DomainInfo?> CreatePlacedAsync(CreateRequest req, DomainDefinition def, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        ArgumentNullException.ThrowIfNull(def);
        var (keeper, _) = Member("create --cluster");
        var required = (await context.CpuCaps.GetAsync(cancellationToken).ConfigureAwait(false)).RequiredHostFlags(def.Cpu);
        var hosts = await LiveHostsAsync(keeper, cancellationToken).ConfigureAwait(false);
        var candidates = req.Host is { } pinned ? hosts.Where(h => h.HostId == pinned).ToList() : hosts;
        if (req.Host is not null && candidates.Count == 0)
        {
            throw new VirtlabException(ErrorKind.NotFound, $"--host {req.Host}: no live host of that id in the cluster (live: {string.Join(", ", hosts.Select(h => h.HostId))}); 'virtlab cluster status' lists them");
        }

        var chosen = ClusterPlacement.Choose(def, required, candidates)
            ?? throw new VirtlabException(ErrorKind.InvalidInput, ClusterPlacement.Refusal(def, ClusterPlacement.Judge(def, required, candidates)));
        if (chosen == keeper.Membership.HostId)
        {
            context.Log?.Invoke($"cluster: '{def.Name}' placed on this host");
            return null;
        }

        using var peer = Peer(keeper, hosts.Single(h => h.HostId == chosen));
        context.Log?.Invoke($"cluster: '{def.Name}' placed on host {chosen} ({peer.Uri})");
        return await peer.CreateAsync(req with { Cluster = false, Host = null }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// host evacuate H: every VM H runs is live-migrated, one after the other, to the host placement chooses among the
    /// others. Run by H itself (another host forwards the call to it).
    /// </summary>
    public async Task<HostEvacuateReply> EvacuateAsync(string hostId, HostEvacuateRequest req, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        var (keeper, _) = Member("host evacuate");
        var hosts = await LiveHostsAsync(keeper, cancellationToken).ConfigureAwait(false);
        if (hostId != keeper.Membership.HostId)
        {
            var target = hosts.SingleOrDefault(h => h.HostId == hostId)
                ?? throw new VirtlabException(ErrorKind.NotFound, $"host evacuate {hostId}: no live host of that id in the cluster (live: {string.Join(", ", hosts.Select(h => h.HostId))})");
            using var remote = Peer(keeper, target);
            return await remote.EvacuateAsync(hostId, req, cancellationToken).ConfigureAwait(false);
        }

        var others = hosts.Where(h => h.HostId != hostId).ToList();
        var results = new List<EvacuatedVm>();
        foreach (var domain in context.Domains.All.Where(d => d.Job.Current != DomainJobKind.MigrationIn).OrderBy(d => d.Name, StringComparer.Ordinal).ToList())
        {
            results.Add(await EvacuateOneAsync(keeper, domain.Definition, others, req, cancellationToken).ConfigureAwait(false));
        }

        return new HostEvacuateReply(hostId, results);
    }

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

    private async Task<EvacuatedVm> EvacuateOneAsync(
        LeaseKeeper keeper, DomainDefinition def, List<ClusterHostRecord> others, HostEvacuateRequest req, CancellationToken cancellationToken)
    {
        try
        {
            var required = (await context.CpuCaps.GetAsync(cancellationToken).ConfigureAwait(false)).RequiredHostFlags(def.Cpu);
            var chosen = ClusterPlacement.Choose(def, required, others)
                ?? throw new VirtlabException(ErrorKind.InvalidInput, ClusterPlacement.Refusal(def, ClusterPlacement.Judge(def, required, others)));
            var index = others.FindIndex(h => h.HostId == chosen);
            var host = others[index];
            var address = host.Address ?? throw NoAddress(chosen);
            var result = await (migrate ?? throw new VirtlabException(ErrorKind.Unsupported, "this daemon cannot migrate"))(
                def.Name, new MigrateRequest(address, keeper.ClusterToken ?? string.Empty, AutoConverge: true, MaxDowntimeMs: req.MaxDowntimeMs), cancellationToken).ConfigureAwait(false);

            // The next VM is placed knowing this one went there (the host's record catches up at its next keep-alive).
            others[index] = host with { Vms = [.. host.Vms, def.Name], FreeMemoryKiB = host.FreeMemoryKiB - def.MemoryKiB };
            return new EvacuatedVm(def.Name, chosen, result.Job.DowntimeMs, result.Job.TimeElapsedMs, result.AgentAnswered, null);
        }
        catch (VirtlabException e)
        {
            return new EvacuatedVm(def.Name, null, null, null, false, e.Message);
        }
    }

    private static async Task<List<ClusterHostRecord>> LiveHostsAsync(LeaseKeeper keeper, CancellationToken cancellationToken) =>
        (await keeper.Store.GetPrefixAsync(ClusterKeys.HostsPrefix, cancellationToken).ConfigureAwait(false))
            .Select(kv => ClusterStatusBuilder.TryRead(kv.Value, ApiJsonContext.Default.ClusterHostRecord))
            .OfType<ClusterHostRecord>()
            .OrderBy(h => h.HostId, StringComparer.Ordinal)
            .ToList();

    private PeerClient Peer(LeaseKeeper keeper, ClusterHostRecord host) =>
        new(VirtlabUri.Parse(host.Address ?? throw NoAddress(host.HostId)), keeper.ClusterToken ?? string.Empty, context.PeerTls.Value);

    private static VirtlabException NoAddress(string hostId) =>
        new(ErrorKind.Unsupported, $"host {hostId} has no address other hosts can reach: start its daemon with 'virtlab daemon start --listen HOST:PORT'");

    /// <summary>The keeper of a registered member, or why this host cannot do <paramref name="what"/>.</summary>
    private (LeaseKeeper Keeper, long Lease) Member(string what)
    {
        if (LoadMembership() is null)
        {
            throw new VirtlabException(ErrorKind.InvalidInput, $"{what}: this host is not in a cluster: 'virtlab cluster join --etcd HOST:PORT' first");
        }

        return Live(what);
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
