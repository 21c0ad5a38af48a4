namespace Virtlab.Domain.State;

/// <summary>
/// Everything a user can ask of a domain that depends on its state, named after virsh's commands
/// (<see cref="DomainActionExtensions.ToVirshCommand"/>). <see cref="DomainStateMachine.Check(DomainState, DomainAction)"/>
/// says whether it is allowed now.
/// </summary>
public enum DomainAction
{
    Start,
    Shutdown,
    Reboot,
    Destroy,
    Suspend,
    Resume,
    Undefine,

    /// <summary>Live vCPU hot-plug or unplug (<c>setvcpus</c>).</summary>
    SetVcpus,

    /// <summary>Live balloon target (<c>setmem</c>).</summary>
    SetMem,

    Migrate,

    /// <summary>Cancel the running migration (<c>domjobabort</c>).</summary>
    MigrateCancel,

    MigrateSetSpeed,

    MigrateSetMaxDowntime,

    /// <summary>A command to the guest agent (<c>qemu-agent-command</c>).</summary>
    AgentCommand,
}
