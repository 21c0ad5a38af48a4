using System.Text.Json;
using Virtlab.Api;
using Virtlab.Domain.Definitions;
using Virtlab.Domain.Json;
using Virtlab.Engine.Domains;

namespace Virtlab.Engine.Cluster;

/// <summary>
/// The VMs' side of this host's membership (docs/CLUSTER.md). A host runs a VM only while it holds the VM's ownership
/// key under its live lease. Each change is one etcd transaction that writes the owner, the definition and the state
/// together, on a condition that makes two owners impossible:
/// <list type="bullet">
/// <item>take (start here, or adopt a VM that runs here): the owner key is absent or already this host's;</item>
/// <item>release (the VM stopped here): the owner is this host; the state becomes <c>shut off</c>;</item>
/// <item>hand over (a migration's switch-over): the owner is this host; it becomes the destination, under the destination's lease;</item>
/// <item>restart (an orphan: state <c>running</c>, no owner, because its host's lease expired): the owner is absent and the
/// state unchanged since it was read; one host wins, the others see the key taken.</item>
/// </list>
/// </summary>
public sealed class OwnershipKeeper
{
    internal const string Running = "running";
    private const string ShutOff = "shut off";
    private readonly EngineContext _context;
    private readonly EtcdStore _store;
    private readonly string _hostId;
    private readonly OrphanRestarter? _orphans;
    private readonly Lock _gate = new();
    private readonly HashSet<string> _owned = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _conflicts = new(StringComparer.Ordinal);

    /// <param name="restart">Starts a VM of a dead host here (define it first) and waits for its agent; null: this host restarts nothing.</param>
    /// <param name="restartGrace">How long an orphan waits for the host placement chose before any host may take it.</param>
    public OwnershipKeeper(EngineContext context, EtcdStore store, string hostId, Func<DomainDefinition, CancellationToken, Task>? restart, TimeSpan restartGrace)
    {
        _context = context;
        _store = store;
        _hostId = hostId;
        _orphans = restart is null ? null : new OrphanRestarter(context, store, hostId, restart, restartGrace, MarkOwned);
    }

    /// <summary>"; not owned here: ..." for the lease state line, or empty.</summary>
    public string Conflicts
    {
        get
        {
            lock (_gate)
            {
                return _conflicts.Count == 0 ? string.Empty : "; not owned here: " + string.Join(", ", _conflicts.Select(c => $"{c.Key} (owned by {c.Value})"));
            }
        }
    }

    /// <summary>A new lease: every ownership is taken again under it.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _owned.Clear();
        }
    }

    /// <summary>Before a start here: takes the VM, or throws who owns it.</summary>
    public async Task AcquireAsync(DomainDefinition def, long lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(def);
        var owner = await _store.GetAsync(ClusterKeys.VmOwner(def.Name), cancellationToken).ConfigureAwait(false);
        if (owner is not null && owner.Value != _hostId)
        {
            throw OwnedElsewhere(def.Name, owner.Value);
        }

        var txn = Take(def, lease, owner?.CreateRevision ?? 0, null);
        if (!await _store.CommitAsync("take " + def.Name, txn, cancellationToken).ConfigureAwait(false))
        {
            var now = await _store.GetAsync(ClusterKeys.VmOwner(def.Name), cancellationToken).ConfigureAwait(false);
            throw OwnedElsewhere(def.Name, now?.Value ?? "another host");
        }

        MarkOwned(def.Name);
    }

    /// <summary>The switch-over: the destination host takes the VM under its own lease, or this throws and nothing changed.</summary>
    public async Task HandOverAsync(string name, string? destinationHost, CancellationToken cancellationToken)
    {
        var owner = ClusterKeys.VmOwner(name);
        var txn = new EtcdTxn().IfValue(owner, _hostId);
        if (destinationHost is null)
        {
            txn.Delete(owner).Put(ClusterKeys.VmState(name), StateJson("migrated", null, $"migrated from {_hostId} to a host outside the cluster"));
        }
        else
        {
            var host = await _store.GetAsync(ClusterKeys.Host(destinationHost), cancellationToken).ConfigureAwait(false);
            if (host is null || host.Lease == 0)
            {
                throw new VirtlabException(ErrorKind.InvalidState, $"the destination host '{destinationHost}' has no live lease in etcd, so it may not take '{name}': the guest stays on this host");
            }

            txn.Put(owner, destinationHost, host.Lease).Put(ClusterKeys.VmState(name), StateJson(Running, destinationHost, $"migrated from {_hostId}"));
        }

        if (!await _store.CommitAsync("hand " + name + " over", txn, cancellationToken).ConfigureAwait(false))
        {
            throw new VirtlabException(ErrorKind.InvalidState, $"this host no longer owns '{name}' in etcd, so it cannot hand it over: the guest stays here (paused if this host was fenced)");
        }

        lock (_gate)
        {
            _owned.Remove(name);
        }

        _context.Log?.Invoke($"cluster: '{name}' handed over to {destinationHost ?? "a host outside the cluster"}");
    }

    /// <summary>A switch-over that failed after the hand-over: the VM comes back to this host.</summary>
    public async Task TakeBackAsync(string name, string? destinationHost, long lease, CancellationToken cancellationToken)
    {
        var owner = ClusterKeys.VmOwner(name);
        var txn = destinationHost is null ? new EtcdTxn().IfCreateRevision(owner, 0) : new EtcdTxn().IfValue(owner, destinationHost);
        txn.Put(owner, _hostId, lease).Put(ClusterKeys.VmState(name), StateJson(Running, _hostId, "the migration's switch-over failed; back on this host"));
        if (await _store.CommitAsync("take " + name + " back", txn, cancellationToken).ConfigureAwait(false))
        {
            MarkOwned(name);
        }
    }

    /// <summary>cluster leave: the VMs this host runs stay running, outside the cluster (nobody restarts them).</summary>
    public async Task ReleaseAllAsync(CancellationToken cancellationToken)
    {
        string[] owned;
        lock (_gate)
        {
            owned = [.. _owned];
        }

        foreach (var name in owned)
        {
            await ReleaseAsync(name, "left", $"host {_hostId} left the cluster; it runs the VM outside it", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A VM's QEMU exited here: it is shut off for the cluster too (nobody restarts it).</summary>
    public async Task OnExitedAsync(string name)
    {
        bool owned;
        lock (_gate)
        {
            owned = _owned.Contains(name);
        }

        if (owned)
        {
            await ReleaseAsync(name, ShutOff, "stopped on " + _hostId, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One keep-alive step: adopt the VMs that run here, release those that stopped, and restart the orphans placement
    /// gives this host (or any orphan left longer than the grace).
    /// </summary>
    public async Task SyncAsync(long lease, CancellationToken cancellationToken)
    {
        var running = _context.Domains.All.ToDictionary(d => d.Name, StringComparer.Ordinal);
        foreach (var domain in running.Values.Where(d => d.Job.Current != DomainJobKind.MigrationIn))
        {
            bool owned;
            lock (_gate)
            {
                owned = _owned.Contains(domain.Name);
            }

            if (!owned)
            {
                await AdoptAsync(domain, lease, cancellationToken).ConfigureAwait(false);
            }
        }

        string[] gone;
        lock (_gate)
        {
            gone = _owned.Where(n => !running.ContainsKey(n)).ToArray();
            foreach (var name in _conflicts.Keys.Where(n => !running.ContainsKey(n)).ToList())
            {
                _conflicts.Remove(name);
            }
        }

        foreach (var name in gone)
        {
            await ReleaseAsync(name, ShutOff, "stopped on " + _hostId, cancellationToken).ConfigureAwait(false);
        }

        if (_orphans is not null)
        {
            await _orphans.SyncAsync(lease, running.Keys.ToHashSet(StringComparer.Ordinal), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task AdoptAsync(DomainObject domain, long lease, CancellationToken cancellationToken)
    {
        var name = domain.Name;
        var owner = await _store.GetAsync(ClusterKeys.VmOwner(name), cancellationToken).ConfigureAwait(false);
        var stateKv = await _store.GetAsync(ClusterKeys.VmState(name), cancellationToken).ConfigureAwait(false);
        var state = stateKv is null ? null : ReadState(stateKv.Value);
        var elsewhere = owner is not null && owner.Value != _hostId
            ? owner.Value
            : owner is null && state is { State: Running } && state.Host != _hostId ? state.Host ?? "another host" : null;
        if (elsewhere is null)
        {
            var txn = Take(domain.Definition, lease, owner?.CreateRevision ?? 0, null).IfModRevision(ClusterKeys.VmState(name), stateKv?.ModRevision ?? 0);
            if (await _store.CommitAsync("take " + name, txn, cancellationToken).ConfigureAwait(false))
            {
                MarkOwned(name);
                return;
            }

            elsewhere = (await _store.GetAsync(ClusterKeys.VmOwner(name), cancellationToken).ConfigureAwait(false))?.Value ?? "another host";
        }

        bool known;
        lock (_gate)
        {
            known = _conflicts.ContainsKey(name);
            _conflicts[name] = elsewhere;
        }

        if (!known)
        {
            // It runs, or is about to run, elsewhere: this copy must not run on.
            var paused = await Fencing.PauseAsync(_context, domain, cancellationToken).ConfigureAwait(false);
            _context.Log?.Invoke($"cluster: VM {name} runs here but host {elsewhere} owns it in etcd: not taken{(paused ? "; paused here" : string.Empty)}");
        }
    }

    private async Task ReleaseAsync(string name, string state, string note, CancellationToken cancellationToken)
    {
        await CommitReleaseAsync(_store, _hostId, name, state, note, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _owned.Remove(name);
        }
    }

    /// <summary>The release transaction: while <paramref name="hostId"/> owns the VM, its owner key goes and its state is written.</summary>
    internal static Task<bool> CommitReleaseAsync(EtcdStore store, string hostId, string name, string state, string note, CancellationToken cancellationToken)
    {
        var owner = ClusterKeys.VmOwner(name);
        return store.CommitAsync(
            "release " + name,
            new EtcdTxn().IfValue(owner, hostId).Delete(owner).Put(ClusterKeys.VmState(name), StateJson(state, hostId, note)),
            cancellationToken);
    }

    /// <summary>The restarts of dead hosts' VMs in flight (the daemon waits for them when it stops).</summary>
    public Task[] Restarts() => _orphans?.Restarts() ?? [];

    private EtcdTxn Take(DomainDefinition def, long lease, long ownerCreateRevision, string? note) =>
        new EtcdTxn()
            .IfCreateRevision(ClusterKeys.VmOwner(def.Name), ownerCreateRevision)
            .Put(ClusterKeys.VmOwner(def.Name), _hostId, lease)
            .Put(ClusterKeys.VmDefinition(def.Name), DomainJson.Serialize(def))
            .Put(ClusterKeys.VmState(def.Name), StateJson(Running, _hostId, note));

    private void MarkOwned(string name)
    {
        lock (_gate)
        {
            _owned.Add(name);
            _conflicts.Remove(name);
        }
    }

    internal static string StateJson(string state, string? host, string? note) =>
        JsonSerializer.Serialize(new ClusterVmState(state, host, DateTimeOffset.UtcNow, note), ApiJsonContext.Default.ClusterVmState);

    internal static ClusterVmState? ReadState(string json) => ClusterStatusBuilder.TryRead(json, ApiJsonContext.Default.ClusterVmState);

    private VirtlabException OwnedElsewhere(string name, string owner) =>
        new(ErrorKind.InvalidState, $"VM '{name}' is owned by host '{owner}' in the cluster (it runs there), so this host ({_hostId}) may not start it: stop it there, or migrate it here ('virtlab cluster status' shows the owners)");
}
