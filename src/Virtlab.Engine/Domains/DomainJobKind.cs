namespace Virtlab.Engine.Domains;

/// <summary>
/// The jobs that change a domain, one at a time (<see cref="DomainJob"/>). Reads (dominfo, vcpucount, dommemstat,
/// guest-cpuinfo, domjobinfo) and the controls of a running migration (domjobabort, migrate-postcopy) take no job;
/// destroy takes none either: it must work whatever holds the domain.
/// </summary>
public enum DomainJobKind
{
    Start,
    Shutdown,
    SetVcpus,
    SetVcpusGuest,
    GuestVcpus,
    SetMem,
    AutoBalloon,
    Suspend,
    Resume,
    DomTime,
    MigrationOut,
    MigrationIn,
    MigrationSettle,
}

public static class DomainJobKindExtensions
{
    /// <summary>The job's name in messages: virsh's command, or libvirt's job name for migrations.</summary>
    public static string ToJobName(this DomainJobKind kind) => kind switch
    {
        DomainJobKind.Start => "start",
        DomainJobKind.Shutdown => "shutdown",
        DomainJobKind.SetVcpus => "setvcpus",
        DomainJobKind.SetVcpusGuest => "setvcpus --guest",
        DomainJobKind.GuestVcpus => "guestvcpus",
        DomainJobKind.SetMem => "setmem",
        DomainJobKind.AutoBalloon => "autoballoon",
        DomainJobKind.Suspend => "suspend",
        DomainJobKind.Resume => "resume",
        DomainJobKind.DomTime => "domtime",
        DomainJobKind.MigrationOut => "migration-out",
        DomainJobKind.MigrationIn => "migration-in",
        DomainJobKind.MigrationSettle => "migration-settle",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a job"),
    };
}
