using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Virtlab.Api;
using Virtlab.Domain.Definitions;
using Virtlab.Domain.Json;
using Virtlab.Engine.Domains;

namespace Virtlab.Engine.Cluster;

/// <summary>
/// A dead host's VMs (docs/CLUSTER.md): an orphan is a VM whose state is <c>running</c> and which has no owner key,
/// because the lease its owner key was attached to expired. Every live host sees the same orphans and computes the same
/// placement (<see cref="ClusterPlacement"/>); the chosen host takes the orphan at once, any other only after a grace (the
/// chosen one may be dying too). Taking is one transaction on "no owner, state unchanged", so exactly one host wins; it
/// defines the VM from etcd, starts it like any start and waits for its agent, then records an event with the time.
/// </summary>
public sealed class OrphanRestarter(
    EngineContext context,
    EtcdStore store,
    string hostId,
    Func<DomainDefinition, CancellationToken, Task> restart,
    TimeSpan grace,
    Action<string> markOwned)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _orphanSeen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task> _restarting = new(StringComparer.Ordinal);

    /// <summary>The restarts in flight.</summary>
    public Task[] Restarts()
    {
        lock (_gate)
        {
            return [.. _restarting.Values];
        }
    }

    /// <summary>One keep-alive step: the orphans placement gives this host, or any orphan left longer than the grace, are taken and restarted.</summary>
    public async Task SyncAsync(long lease, HashSet<string> runningHere, CancellationToken cancellationToken)
    {
        var keys = await store.GetPrefixAsync(ClusterKeys.VmsPrefix, cancellationToken).ConfigureAwait(false);
        var owned = keys.Select(k => ClusterKeys.VmOfOwnerKey(k.Key)).Where(n => n is not null).ToHashSet(StringComparer.Ordinal);
        var definitions = keys.Where(k => k.Key.EndsWith("/definition", StringComparison.Ordinal)).ToDictionary(k => k.Key, StringComparer.Ordinal);
        var orphans = new List<(string Name, EtcdKeyValue State, ClusterVmState Record, EtcdKeyValue Definition)>();
        foreach (var kv in keys)
        {
            if (ClusterKeys.VmOfStateKey(kv.Key) is { } name && !owned.Contains(name) && !runningHere.Contains(name) &&
                OwnershipKeeper.ReadState(kv.Value) is { State: OwnershipKeeper.Running } record && definitions.TryGetValue(ClusterKeys.VmDefinition(name), out var def))
            {
                orphans.Add((name, kv, record, def));
            }
        }

        lock (_gate)
        {
            foreach (var name in _orphanSeen.Keys.Where(n => !orphans.Any(o => o.Name == n)).ToList())
            {
                _orphanSeen.Remove(name);
            }
        }

        if (orphans.Count == 0)
        {
            return;
        }

        var hosts = (await store.GetPrefixAsync(ClusterKeys.HostsPrefix, cancellationToken).ConfigureAwait(false))
            .Select(h => ClusterStatusBuilder.TryRead(h.Value, ApiJsonContext.Default.ClusterHostRecord))
            .OfType<ClusterHostRecord>()
            .ToList();
        foreach (var (name, stateKv, record, defKv) in orphans)
        {
            long seen;
            lock (_gate)
            {
                if (_restarting.ContainsKey(name))
                {
                    continue;
                }

                seen = _orphanSeen.TryGetValue(name, out var s) ? s : _orphanSeen[name] = Stopwatch.GetTimestamp();
            }

            DomainDefinition def;
            try
            {
                def = DomainJson.Deserialize(defKv.Value);
            }
            catch (Exception e) when (e is JsonException or VirtlabException or ArgumentException)
            {
                continue;
            }

            var chosen = ClusterPlacement.Choose(def, await RequiredFlagsAsync(def, cancellationToken).ConfigureAwait(false), hosts);
            if (chosen != hostId && Stopwatch.GetElapsedTime(seen) < grace)
            {
                continue;
            }

            var from = record.Host ?? "a host";
            var owner = ClusterKeys.VmOwner(name);
            var txn = new EtcdTxn()
                .IfCreateRevision(owner, 0)
                .IfModRevision(stateKv.Key, stateKv.ModRevision)
                .Put(owner, hostId, lease)
                .Put(stateKv.Key, OwnershipKeeper.StateJson(OwnershipKeeper.Running, hostId, $"restarted here after host {from}'s lease expired"));
            if (!await store.CommitAsync("take " + name, txn, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            markOwned(name);
            context.Log?.Invoke($"cluster: host {from}'s VM '{name}' has no owner: restarting it here");
            lock (_gate)
            {
                _restarting[name] = Task.Run(() => RestartAsync(def, from, seen), CancellationToken.None);
            }
        }
    }

    private async Task RestartAsync(DomainDefinition def, string from, long seen)
    {
        var name = def.Name;
        try
        {
            if (context.Store.FindDomain(name) is null)
            {
                context.Store.TryAddDomain(def);
            }
            else
            {
                context.Store.UpdateDomain(def);
            }

            await restart(def, CancellationToken.None).ConfigureAwait(false);
            var seconds = Stopwatch.GetElapsedTime(seen).TotalSeconds;
            await EventAsync(name, "restarted", string.Create(CultureInfo.InvariantCulture,
                $"host {from}'s lease expired; '{name}' restarted on {hostId}, its agent answered {seconds:0.0} s after the orphan was first seen (the diskless guest lost its RAM: it booted afresh)")).ConfigureAwait(false);
        }
        catch (Exception e) when (e is VirtlabException or IOException or InvalidOperationException or TimeoutException)
        {
            context.Log?.Invoke($"cluster: restarting '{name}' here failed: {e.Message}");
            try
            {
                await OwnershipKeeper.CommitReleaseAsync(store, hostId, name, "failed", $"restart after host {from}'s death failed: {e.Message}", CancellationToken.None).ConfigureAwait(false);
                await EventAsync(name, "restart failed", $"host {from}'s lease expired; restarting '{name}' on {hostId} failed: {e.Message}").ConfigureAwait(false);
            }
            catch (VirtlabException)
            {
                // etcd is away: the owner key goes with this host's lease.
            }
        }
        finally
        {
            lock (_gate)
            {
                _restarting.Remove(name);
                _orphanSeen.Remove(name);
            }
        }
    }

    private async Task EventAsync(string vm, string kind, string message)
    {
        var at = DateTimeOffset.UtcNow;
        context.Log?.Invoke($"cluster event: {message}");
        await store.PutAsync(ClusterKeys.Event(at, hostId), JsonSerializer.Serialize(new ClusterEvent(at, hostId, vm, kind, message), ApiJsonContext.Default.ClusterEvent), 0, CancellationToken.None).ConfigureAwait(false);
    }

    private async Task<IReadOnlySet<string>?> RequiredFlagsAsync(DomainDefinition def, CancellationToken cancellationToken)
    {
        try
        {
            return (await context.CpuCaps.GetAsync(cancellationToken).ConfigureAwait(false)).RequiredHostFlags(def.Cpu);
        }
        catch (VirtlabException)
        {
            // A model this QEMU does not know: the start tells, on whichever host takes it.
            return null;
        }
    }
}
