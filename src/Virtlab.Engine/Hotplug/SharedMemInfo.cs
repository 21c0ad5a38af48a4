using System.Diagnostics;
using System.Runtime.CompilerServices;
using Virtlab.Engine.Domains;
using Virtlab.Engine.Guest;

namespace Virtlab.Engine.Hotplug;

/// <summary>
/// dommemstat's guest figures (<c>/proc/meminfo</c> through a <c>guest-exec</c>): at most one read in flight per
/// domain, shared by every dommemstat that asks meanwhile, and its answer reused while it is younger than the
/// balloon's stats period (the balloon's figures in the same reply are as old). Without it each dommemstat ran its
/// own guest program: the agent serves one command at a time, so under 64 concurrent clients (bench/load) the reads
/// queued for seconds, some gave up after the agent step timeout (a 200 without the guest figures) and setvcpus'
/// <c>guest-set-vcpus</c> waited behind them. setmem reads afresh and forgets the shared answer.
/// </summary>
internal sealed class SharedMemInfo
{
    private readonly ConditionalWeakTable<DomainObject, Entry> _entries = [];

    /// <summary>The shared figures of <paramref name="domain"/>: a fresh enough answer, the read in flight, or a new
    /// <paramref name="read"/> (which must not fail for one caller's cancellation: it is bounded by its own timeout).</summary>
    public Task<GuestMemInfo?> GetAsync(DomainObject domain, TimeSpan maxAge, Func<Task<GuestMemInfo?>> read, CancellationToken cancellationToken)
    {
        var e = _entries.GetValue(domain, _ => new Entry());
        Task<GuestMemInfo?> pending;
        lock (e)
        {
            if (e.Value is not null && Stopwatch.GetElapsedTime(e.At) < maxAge)
            {
                return Task.FromResult<GuestMemInfo?>(e.Value);
            }

            e.Pending ??= ReadAsync(e, e.Generation, read);
            pending = e.Pending;
        }

        return pending.WaitAsync(cancellationToken);
    }

    /// <summary>Drops the shared answer (and lets a read in flight finish without storing it): the guest's memory changed.</summary>
    public void Forget(DomainObject domain)
    {
        if (_entries.TryGetValue(domain, out var e))
        {
            lock (e)
            {
                e.Generation++;
                e.Value = null;
                e.Pending = null;
            }
        }
    }

    private static async Task<GuestMemInfo?> ReadAsync(Entry e, int generation, Func<Task<GuestMemInfo?>> read)
    {
        await Task.Yield();   // the read starts outside the caller's lock
        GuestMemInfo? value = null;
        try
        {
            value = await read().ConfigureAwait(false);
            return value;
        }
        finally
        {
            lock (e)
            {
                if (e.Generation == generation)
                {
                    e.Pending = null;
                    if (value is not null)
                    {
                        e.Value = value;
                        e.At = Stopwatch.GetTimestamp();
                    }
                }
            }
        }
    }

    private sealed class Entry
    {
        public Task<GuestMemInfo?>? Pending { get; set; }

        public GuestMemInfo? Value { get; set; }

        public long At { get; set; }

        public int Generation { get; set; }
    }
}
