using System.Collections.Concurrent;
using Virtlab.Domain.State;
using Virtlab.Engine.Store;

namespace Virtlab.Engine.Domains;

/// <summary>
/// The running domains of this daemon, by name, and the one place that watches each: its QEMU's exit and its
/// STOP/RESUME events. When a QEMU exits, its domain is forgotten (runtime record, sockets) and
/// <see cref="Exited"/> tells whoever cares (the migration feature forgets an incoming VM that died).
/// </summary>
public sealed class DomainRegistry(StateStore store, Action<string>? log) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, DomainObject> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _nameLocks = new(StringComparer.Ordinal);
    private readonly Lock _ids = new();

    /// <summary>Raised after a domain's QEMU exited and the domain was forgotten.</summary>
    public event Action<DomainObject>? Exited;

    public IReadOnlyList<DomainObject> All => [.. _running.Values];

    public bool Contains(string name) => _running.ContainsKey(name);

    public bool TryGet(string name, out DomainObject domain) => _running.TryGetValue(name, out domain!);

    /// <summary>The lowest list id no running domain has.</summary>
    public int NextId()
    {
        lock (_ids)
        {
            var used = _running.Values.Select(v => v.Id).ToHashSet();
            var id = 1;
            while (used.Contains(id))
            {
                id++;
            }

            return id;
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> while no other caller holds <paramref name="name"/>: a QEMU is being started (or
    /// prepared for an incoming migration) under that name, before there is a domain object whose job could say so.
    /// </summary>
    public async Task<T> WithNameLockAsync<T>(string name, Func<Task<T>> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var gate = _nameLocks.GetOrAdd(name, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            return await body().ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Adds a domain whose QEMU runs and watches it until it exits.</summary>
    public void Add(DomainObject domain)
    {
        _running[domain.Name] = domain;
        var events = domain.Qmp.Subscribe(e => e.Name is "STOP" or "RESUME");
        _ = Task.Run(async () =>
        {
            await foreach (var e in events.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                domain.OnVcpusRunning(e.Name == "RESUME");
            }
        });
        _ = domain.Process.Exited.ContinueWith(
            async t =>
            {
                events.Dispose();
                log?.Invoke($"'{domain.Name}' QEMU pid {domain.Process.Pid} exited with status {t.Result}");
                domain.Transition(t.Result == 0 ? DomainState.ShutOff : DomainState.Crashed, $"QEMU exited with status {t.Result}");
                await ForgetAsync(domain).ConfigureAwait(false);
                Exited?.Invoke(domain);
            },
            TaskScheduler.Default);
    }

    /// <summary>Forgets a domain whose QEMU is gone (or handed over): its runtime record, connections and process files.</summary>
    public async Task ForgetAsync(DomainObject domain)
    {
        if (_running.TryGetValue(domain.Name, out var current) && ReferenceEquals(current, domain) &&
            _running.TryRemove(domain.Name, out _))
        {
            try
            {
                store.RemoveRuntime(domain.Name);
            }
            catch (VirtlabException e) when (e.Kind == ErrorKind.StateUnavailable)
            {
                // The record stays; the next daemon start finds its QEMU gone and forgets it.
                log?.Invoke($"'{domain.Name}': {e.Message}");
            }

            await domain.DisposeAsync().ConfigureAwait(false);
            foreach (var s in domain.Run.ProcessFiles)
            {
                RunDirectory.TryDelete(s);
            }
        }
    }

    /// <summary>The daemon is going away: close every connection, leave every VM running.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var domain in _running.Values)
        {
            await domain.DisposeAsync().ConfigureAwait(false);
        }

        _running.Clear();
    }
}
