namespace Virtlab.Engine.Domains;

/// <summary>A held job; disposing releases it, once.</summary>
public sealed class JobLease : IDisposable
{
    private readonly DomainJob _job;
    private int _released;

    internal JobLease(DomainJob job, DomainJobKind kind)
    {
        _job = job;
        Kind = kind;
    }

    public DomainJobKind Kind { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _job.Release(this);
        }
    }
}
