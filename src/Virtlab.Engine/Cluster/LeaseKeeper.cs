using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Virtlab.Api;
using Virtlab.Domain.Definitions;
using Virtlab.Engine.Domains;

namespace Virtlab.Engine.Cluster;

/// <summary>
/// This host's registration in etcd while it is a member: a lease of the membership's TTL, renewed
/// <see cref="ClusterOptions.KeepAlivesPerTtl"/> times per TTL by a loop in the daemon; the host key and the ownership
/// keys of the VMs it runs, attached to that lease. etcd renews a lease no earlier than the keep-alive was sent, so the
/// lease lasts at least until that moment plus the TTL. A watchdog fences this host (<see cref="Fencing"/>) half a
/// keep-alive interval before that (TTL - interval / 2 after the last answered keep-alive was sent), whatever the
/// calls in flight are doing; or at once when etcd says the lease is gone. Then it keeps trying to register again
/// with a new lease. Each step also syncs the VMs' ownership (<see cref="OwnershipKeeper"/>).
/// </summary>
public sealed class LeaseKeeper : IAsyncDisposable
{
    private readonly EngineContext _context;
    private readonly ClusterOptions _options;
    private readonly Action<ClusterMembershipRecord> _save;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private long _lastRenewed;
    private long _lease;
    private string _lastError = "no answer";
    private long _lastHostWrite;
    private IReadOnlyList<string> _publishedVms = [];
    private string _state = "registering";
    private FenceAgent? _agent;

    /// <param name="restart">Starts a dead host's VM here and waits for its agent (<see cref="OwnershipKeeper"/>); null: restarts nothing.</param>
    public LeaseKeeper(
        EngineContext context,
        ClusterOptions options,
        EtcdStore store,
        ClusterMembershipRecord membership,
        Action<ClusterMembershipRecord> save,
        Func<DomainDefinition, CancellationToken, Task>? restart = null)
    {
        _context = context;
        _options = options;
        Store = store;
        Membership = membership;
        _save = save;
        Vms = new OwnershipKeeper(context, store, membership.HostId, restart, TimeSpan.FromSeconds(membership.LeaseTtlSeconds));
        context.Domains.Exited += OnExited;
    }

    /// <summary>The token the cluster's hosts accept from each other (from <c>/virtlab/cluster</c>), once registered.</summary>
    public string? ClusterToken { get; private set; }

    /// <summary>The ownership of the VMs, under this host's lease.</summary>
    public OwnershipKeeper Vms { get; }

    public EtcdStore Store { get; }

    public ClusterMembershipRecord Membership { get; private set; }

    /// <summary>The lease this host holds now, or null while it is not registered.</summary>
    public long? Lease => Interlocked.Read(ref _lease) is var l && l != 0 ? l : null;

    /// <summary>Why and when this host last fenced itself, or null.</summary>
    public string? Fenced { get; private set; }

    public string State
    {
        get
        {
            var conflicts = Vms.Conflicts;
            return Lease is null
                ? _state + conflicts
                : string.Create(CultureInfo.InvariantCulture, $"alive: lease {Lease:x}, renewed {Stopwatch.GetElapsedTime(_lastRenewed).TotalSeconds:0.0} s ago{conflicts}");
        }
    }

    private TimeSpan Ttl => TimeSpan.FromSeconds(Membership.LeaseTtlSeconds);

    private TimeSpan Interval => Ttl / Math.Max(2, _options.KeepAlivesPerTtl);

    /// <summary>How long after the last answered keep-alive was sent this host fences itself.</summary>
    private TimeSpan FenceAfter => Ttl - (Interval / 2);

    /// <summary>
    /// Grants a lease, writes this host's member and host keys and takes the VMs it runs under the new lease; only then
    /// is a lease a previous daemon left revoked, so that a VM's ownership never lapses across a daemon's restart.
    /// Throws <see cref="VirtlabException"/> when etcd cannot be reached.
    /// </summary>
    public async Task RegisterAsync(CancellationToken cancellationToken)
    {
        if (await Store.GetAsync(ClusterKeys.Cluster, cancellationToken).ConfigureAwait(false) is { } cluster)
        {
            ClusterToken = ClusterStatusBuilder.TryRead(cluster.Value, ApiJsonContext.Default.ClusterRecord)?.Token;
        }

        var sent = Stopwatch.GetTimestamp();
        var lease = await Store.GrantLeaseAsync(Membership.LeaseTtlSeconds, cancellationToken).ConfigureAwait(false);
        _lastRenewed = sent;
        var old = Membership.LeaseId;
        Membership = Membership with { LeaseId = lease };
        _save(Membership);
        var member = new ClusterMemberRecord(Membership.HostId, _options.Address, DateTimeOffset.UtcNow);
        await Store.PutAsync(ClusterKeys.Member(Membership.HostId), JsonSerializer.Serialize(member, ApiJsonContext.Default.ClusterMemberRecord), 0, cancellationToken).ConfigureAwait(false);
        Interlocked.Exchange(ref _lease, lease);
        Vms.Reset();
        await PublishHostAsync(lease, cancellationToken).ConfigureAwait(false);
        await Vms.SyncAsync(lease, cancellationToken).ConfigureAwait(false);
        if (old is { } previous && previous != lease)
        {
            await Store.RevokeLeaseAsync(previous, cancellationToken).ConfigureAwait(false);
        }

        _context.Log?.Invoke($"cluster: host {Membership.HostId} registered in etcd ({string.Join(",", Store.Endpoints)}) with lease {lease:x}, TTL {Membership.LeaseTtlSeconds} s");
    }

    /// <summary>Starts the keep-alive loop.</summary>
    public void Start()
    {
        _agent = _options.FenceAgent is { Count: > 0 } argv ? FenceAgent.Start(argv, _context.Log) : null;
        WatchVms();
        _loop = Task.WhenAll(Task.Run(() => RunAsync(_stop.Token)), Task.Run(() => WatchAsync(_stop.Token)));
    }

    private void WatchVms() => _agent?.Watch(_context.Domains.All.Select(d => d.Run.QmpSocket));

    /// <summary>cluster leave: stops the loop and revokes the lease (etcd deletes the host and ownership keys with it).</summary>
    public async Task<bool> RevokeAsync(CancellationToken cancellationToken)
    {
        await StopLoopAsync().ConfigureAwait(false);
        _agent?.Release();
        if (Lease is not null)
        {
            await Vms.ReleaseAllAsync(cancellationToken).ConfigureAwait(false);
        }

        var lease = Lease ?? Membership.LeaseId;
        Interlocked.Exchange(ref _lease, 0);
        return lease is { } id && await Store.RevokeLeaseAsync(id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The daemon is going away: the loop stops and the lease is left to expire (a restarted daemon revokes it).</summary>
    public async ValueTask DisposeAsync()
    {
        _context.Domains.Exited -= OnExited;
        await StopLoopAsync().ConfigureAwait(false);
        _agent?.Dispose();
        await Task.WhenAll(Vms.Restarts()).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
        Store.Dispose();
    }

    private async Task StopLoopAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }

        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>
    /// Fences this host once its lease may be about to expire in etcd; checks ten times a keep-alive interval, and as
    /// often tells the fence agent which VMs to pause should the daemon go away.
    /// </summary>
    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        var tick = Interval / 10;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(tick, cancellationToken).ConfigureAwait(false);
                WatchVms();
                if (Lease is { } lease && Stopwatch.GetElapsedTime(_lastRenewed) >= FenceAfter)
                {
                    await LoseLeaseAsync(lease, string.Create(CultureInfo.InvariantCulture, $"no keep-alive was answered for {FenceAfter.TotalSeconds:0.0} s of the {Membership.LeaseTtlSeconds} s TTL ({_lastError})"), cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var interval = Interval;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // Not registered (a restarted daemon, or after a lost lease): try at once, then every interval.
                if (Lease is not null)
                {
                    await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
                }

                await StepAsync(interval, cancellationToken).ConfigureAwait(false);
                if (Lease is null)
                {
                    await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Whatever a step throws (a client library's own exception, a step cut off by its bound), the loop goes
                // on: a loop that died would leave this host unregistered for good while its state still said "registering".
                _context.Log?.Invoke($"cluster: keep-alive step failed ({e.GetType().Name}): {e.Message}");
                _state = Lease is null ? $"not registered: {e.Message}; trying again every {interval.TotalSeconds:0.#} s" : _state;
                await Task.Delay(interval, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task StepAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        if (Lease is not { } lease)
        {
            // One try is bounded as a whole (each call has its deadline, but a try makes several), so that a call that
            // hangs past its deadline is cut off and the next try comes.
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bound.CancelAfter(Ttl);
            try
            {
                await RegisterAsync(bound.Token).ConfigureAwait(false);
            }
            catch (VirtlabException e)
            {
                _state = $"not registered: etcd does not answer ({EtcdStore.ShortReason(e)}); trying again every {interval.TotalSeconds:0.#} s";
            }
            catch (OperationCanceledException) when (bound.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                _state = $"not registered: a try to register took longer than the {Membership.LeaseTtlSeconds} s TTL and was cut off; trying again every {interval.TotalSeconds:0.#} s";
                _context.Log?.Invoke("cluster: " + _state);
            }

            return;
        }

        long? ttl;
        var sent = Stopwatch.GetTimestamp();
        try
        {
            // Bounded by the interval, so that a hung call never delays the next keep-alive (the watchdog fences anyway).
            ttl = await Store.KeepAliveOnceAsync(lease, interval, cancellationToken).ConfigureAwait(false);
        }
        catch (VirtlabException e)
        {
            _lastError = EtcdStore.ShortReason(e);
            return;
        }

        if (ttl is null)
        {
            await LoseLeaseAsync(lease, $"etcd says lease {lease:x} has expired", cancellationToken).ConfigureAwait(false);
            return;
        }

        _lastRenewed = sent;
        var vms = HostFacts.RunningVms(_context);
        if (!vms.SequenceEqual(_publishedVms, StringComparer.Ordinal) || Stopwatch.GetElapsedTime(_lastHostWrite) >= _options.HostRecordRefresh)
        {
            await PublishHostAsync(lease, cancellationToken).ConfigureAwait(false);
        }

        await Vms.SyncAsync(lease, cancellationToken).ConfigureAwait(false);
    }

    private async Task PublishHostAsync(long lease, CancellationToken cancellationToken)
    {
        var record = HostFacts.Read(_context, Membership.HostId, _options.Address);
        await Store.PutAsync(ClusterKeys.Host(Membership.HostId), JsonSerializer.Serialize(record, ApiJsonContext.Default.ClusterHostRecord), lease, cancellationToken).ConfigureAwait(false);
        _publishedVms = record.Vms;
        _lastHostWrite = Stopwatch.GetTimestamp();
    }

    /// <summary>A VM stopped here: the cluster is told at once (not at the next keep-alive), so nobody restarts it.</summary>
    private void OnExited(DomainObject domain) =>
        _ = Task.Run(async () =>
        {
            try
            {
                if (Lease is not null)
                {
                    await Vms.OnExitedAsync(domain.Name).ConfigureAwait(false);
                }
            }
            catch (VirtlabException e)
            {
                _context.Log?.Invoke($"cluster: could not record that '{domain.Name}' stopped ({e.Message}); the next keep-alive tries again");
            }
        });

    private async Task LoseLeaseAsync(long lease, string why, CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _lease, 0, lease) != lease)
        {
            return;
        }

        var at = DateTimeOffset.UtcNow;
        _state = $"lost at {at:u}: {why}; registering again";
        var paused = await Fencing.PauseAllAsync(_context, cancellationToken).ConfigureAwait(false);
        Fenced = $"at {at:u} the lease was lost ({why}): paused {paused.Count} VM(s){(paused.Count == 0 ? string.Empty : ": " + string.Join(", ", paused))}; 'virtlab resume NAME' runs one again";
        _context.Log?.Invoke("cluster: fenced: " + Fenced);
    }
}
