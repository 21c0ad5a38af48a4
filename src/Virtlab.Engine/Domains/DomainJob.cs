using System.Diagnostics;

namespace Virtlab.Engine.Domains;

/// <summary>
/// A domain's one job slot with the name of the job that holds it (libvirt's domain job in qemu_domain.c). A
/// conflicting request is refused at once with "busy with JOB" instead of waiting or interleaving; only the settling
/// of an interrupted migration waits its turn (<see cref="BeginWhenFreeAsync"/>). Holding a job is not holding a
/// lock: it spans QEMU calls, and nothing else blocks on it.
/// </summary>
public sealed class DomainJob(string domainName)
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _free = CompletedSource();
    private JobLease? _lease;
    private long _since;

    /// <summary>The job holding the domain now, or null.</summary>
    public DomainJobKind? Current
    {
        get
        {
            lock (_gate)
            {
                return _lease?.Kind;
            }
        }
    }

    /// <summary>Takes the slot for <paramref name="kind"/>, or throws <see cref="ErrorKind.Busy"/> naming the job that holds it.</summary>
    public JobLease Begin(DomainJobKind kind)
    {
        lock (_gate)
        {
            if (_lease is { } holder)
            {
                throw Busy(holder.Kind, kind);
            }

            return Take(kind);
        }
    }

    /// <summary>Takes the slot if it is free.</summary>
    public bool TryBegin(DomainJobKind kind, out JobLease? lease)
    {
        lock (_gate)
        {
            lease = _lease is null ? Take(kind) : null;
            return lease is not null;
        }
    }

    /// <summary>Waits for the slot (without a bound) and takes it.</summary>
    public async Task<JobLease> BeginWhenFreeAsync(DomainJobKind kind, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task free;
            lock (_gate)
            {
                if (_lease is null)
                {
                    return Take(kind);
                }

                free = _free.Task;
            }

            await free.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    internal void Release(JobLease lease)
    {
        TaskCompletionSource free;
        lock (_gate)
        {
            if (!ReferenceEquals(_lease, lease))
            {
                return;
            }

            _lease = null;
            free = _free;
        }

        free.TrySetResult();
    }

    private JobLease Take(DomainJobKind kind)
    {
        _lease = new JobLease(this, kind);
        _since = Stopwatch.GetTimestamp();
        _free = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _lease;
    }

    private VirtlabException Busy(DomainJobKind holder, DomainJobKind wanted)
    {
        var seconds = Stopwatch.GetElapsedTime(_since).TotalSeconds;
        var hint = holder == DomainJobKind.MigrationOut ? $", or cancel it with 'virtlab domjobabort {domainName}'" : string.Empty;
        return new VirtlabException(
            ErrorKind.Busy,
            string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"domain '{domainName}' is busy with job '{holder.ToJobName()}' (for {seconds:0.#} s): {wanted.ToJobName()} was not done; try again when it finishes{hint}"));
    }

    private static TaskCompletionSource CompletedSource()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
        return done;
    }
}
