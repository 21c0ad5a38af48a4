using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Virtlab.Api;
using Virtlab.Engine.Domains;

namespace Virtlab.Engine.Cluster;

/// <summary>
/// This host's registration in etcd while it is a member: a lease of the membership's TTL, renewed
/// <see cref="ClusterOptions.KeepAlivesPerTtl"/> times per TTL by a loop in the daemon; the host key and the ownership
/// keys of the VMs it runs, attached to that lease. etcd renews a lease no earlier than the keep-alive was sent, so the
/// lease lasts at least until that moment plus the TTL. A watchdog fences this host (<see cref="Fencing"/>) half a
/// keep-alive interval before that (TTL - interval / 2 after the last answered keep-alive was sent), whatever the
/// calls in flight are doing; or at once when etcd says the lease is gone. Then it keeps trying to register again
/// with a new lease.
/// </summary>
public sealed class LeaseKeeper : IAsyncDisposable
{
    private readonly EngineContext _context;
    private readonly ClusterOptions _options;
    private readonly Action<ClusterMembershipRecord> _save;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, string> _conflicts = new(StringComparer.Ordinal);
    private readonly HashSet<string> _owned = new(StringComparer.Ordinal);
    private Task? _loop;
    private long _lastRenewed;
    private long _lease;
    private string _lastError = "no answer";
    private long _lastHostWrite;
    private IReadOnlyList<string> _publishedVms = [];
    private string _state = "registering";

    public LeaseKeeper(EngineContext context, ClusterOptions options, EtcdStore store, ClusterMembershipRecord membership, Action<ClusterMembershipRecord> save)
    {
        _context = context;
        _options = options;
        Store = store;
        Membership = membership;
        _save = save;
    }

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
            lock (_conflicts)
            {
                var conflicts = _conflicts.Count == 0 ? string.Empty : "; not owned here: " + string.Join(", ", _conflicts.Select(c => $"{c.Key} (owned by {c.Value})"));
                return Lease is null
                    ? _state + conflicts
                    : string.Create(CultureInfo.InvariantCulture, $"alive: lease {Lease:x}, renewed {Stopwatch.GetElapsedTime(_lastRenewed).TotalSeconds:0.0} s ago{conflicts}");
            }
        }
    }

    private TimeSpan Ttl => TimeSpan.FromSeconds(Membership.LeaseTtlSeconds);

    private TimeSpan Interval => Ttl / Math.Max(2, _options.KeepAlivesPerTtl);

    /// <summary>How long after the last answered keep-alive was sent this host fences itself.</summary>
    private TimeSpan FenceAfter => Ttl - (Interval / 2);

    /// <summary>
    /// Grants a lease and writes this host's member and host keys; a lease a previous daemon left is revoked first.
    /// Throws <see cref="VirtlabException"/> when etcd cannot be reached.
    /// </summary>
    public async Task RegisterAsync(CancellationToken cancellationToken)
    {
        if (Membership.LeaseId is { } old)
        {
            await Store.RevokeLeaseAsync(old, cancellationToken).ConfigureAwait(false);
        }

        var sent = Stopwatch.GetTimestamp();
        var lease = await Store.GrantLeaseAsync(Membership.LeaseTtlSeconds, cancellationToken).ConfigureAwait(false);
        _lastRenewed = sent;
        Membership = Membership with { LeaseId = lease };
        _save(Membership);
        var member = new ClusterMemberRecord(Membership.HostId, _options.Address, DateTimeOffset.UtcNow);
        await Store.PutAsync(ClusterKeys.Member(Membership.HostId), JsonSerializer.Serialize(member, ApiJsonContext.Default.ClusterMemberRecord), 0, cancellationToken).ConfigureAwait(false);
        Interlocked.Exchange(ref _lease, lease);
        lock (_conflicts)
        {
            _owned.Clear();
        }

        await PublishHostAsync(lease, cancellationToken).ConfigureAwait(false);
        await ClaimVmsAsync(lease, cancellationToken).ConfigureAwait(false);
        _context.Log?.Invoke($"cluster: host {Membership.HostId} registered in etcd ({string.Join(",", Store.Endpoints)}) with lease {lease:x}, TTL {Membership.LeaseTtlSeconds} s");
    }

    /// <summary>Starts the keep-alive loop.</summary>
    public void Start() => _loop = Task.WhenAll(Task.Run(() => RunAsync(_stop.Token)), Task.Run(() => WatchAsync(_stop.Token)));

    /// <summary>cluster leave: stops the loop and revokes the lease (etcd deletes the host and ownership keys with it).</summary>
    public async Task<bool> RevokeAsync(CancellationToken cancellationToken)
    {
        await StopLoopAsync().ConfigureAwait(false);
        var lease = Lease ?? Membership.LeaseId;
        Interlocked.Exchange(ref _lease, 0);
        return lease is { } id && await Store.RevokeLeaseAsync(id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The daemon is going away: the loop stops and the lease is left to expire (a restarted daemon revokes it).</summary>
    public async ValueTask DisposeAsync()
    {
        await StopLoopAsync().ConfigureAwait(false);
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

    /// <summary>Fences this host once its lease may be about to expire in etcd; checks ten times a keep-alive interval.</summary>
    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        var tick = Interval / 10;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(tick, cancellationToken).ConfigureAwait(false);
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
            catch (Exception e) when (e is VirtlabException or IOException or InvalidOperationException)
            {
                _context.Log?.Invoke($"cluster: keep-alive step failed: {e.Message}");
                _state = Lease is null ? $"not registered: {e.Message}" : _state;
            }
        }
    }

    private async Task StepAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        if (Lease is not { } lease)
        {
            try
            {
                await RegisterAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (VirtlabException e)
            {
                _state = $"not registered: etcd does not answer ({EtcdStore.ShortReason(e)}); trying again every {interval.TotalSeconds:0.#} s";
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

        await ClaimVmsAsync(lease, cancellationToken).ConfigureAwait(false);
    }

    private async Task PublishHostAsync(long lease, CancellationToken cancellationToken)
    {
        var record = HostFacts.Read(_context, Membership.HostId, _options.Address);
        await Store.PutAsync(ClusterKeys.Host(Membership.HostId), JsonSerializer.Serialize(record, ApiJsonContext.Default.ClusterHostRecord), lease, cancellationToken).ConfigureAwait(false);
        _publishedVms = record.Vms;
        _lastHostWrite = Stopwatch.GetTimestamp();
    }

    /// <summary>
    /// Ownership: every VM this host runs gets <c>/virtlab/vms/NAME/owner</c> = this host, created only if no host owns
    /// it (CreateRevision == 0) and attached to this host's lease; a VM another host owns is reported, not taken. The key
    /// of a VM this host no longer runs is deleted while it still names this host.
    /// </summary>
    private async Task ClaimVmsAsync(long lease, CancellationToken cancellationToken)
    {
        var running = HostFacts.RunningVms(_context);
        foreach (var name in running)
        {
            lock (_conflicts)
            {
                if (_owned.Contains(name))
                {
                    continue;
                }
            }

            var existing = await Store.CreateAsync(ClusterKeys.VmOwner(name), Membership.HostId, lease, cancellationToken).ConfigureAwait(false);
            if (existing is not null && existing.Value == Membership.HostId && existing.Lease != lease)
            {
                // Ours from an earlier lease (still alive): attach it to this one.
                await Store.PutAsync(ClusterKeys.VmOwner(name), Membership.HostId, lease, cancellationToken).ConfigureAwait(false);
                existing = null;
            }

            lock (_conflicts)
            {
                if (existing is null || existing.Value == Membership.HostId)
                {
                    _owned.Add(name);
                    _conflicts.Remove(name);
                }
                else
                {
                    _conflicts[name] = existing.Value;
                }
            }

            if (existing is not null && existing.Value != Membership.HostId)
            {
                _context.Log?.Invoke($"cluster: VM {name} runs here but host {existing.Value} owns it in etcd: not taken");
            }
        }

        string[] gone;
        lock (_conflicts)
        {
            gone = _owned.Where(n => !running.Contains(n, StringComparer.Ordinal)).ToArray();
            foreach (var name in _conflicts.Keys.Where(n => !running.Contains(n, StringComparer.Ordinal)).ToList())
            {
                _conflicts.Remove(name);
            }
        }

        foreach (var name in gone)
        {
            await Store.DeleteIfValueAsync(ClusterKeys.VmOwner(name), Membership.HostId, cancellationToken).ConfigureAwait(false);
            lock (_conflicts)
            {
                _owned.Remove(name);
            }
        }
    }

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
