namespace Virtlab.Domain.State;

/// <summary>
/// Where a domain is in its life. <see cref="DomainStateMachine"/> says which changes and which
/// actions are legal; <see cref="DomainStateExtensions.ToVirshString"/> gives virsh's words.
/// </summary>
public enum DomainState
{
    /// <summary>No QEMU process ("shut off"). The default, so a new domain starts here.</summary>
    ShutOff,

    /// <summary>QEMU is being launched and set up; the guest has not run yet.</summary>
    Starting,

    Running,

    Paused,

    /// <summary>A shutdown was asked of the guest (ACPI power button) and it has not stopped yet ("in shutdown").</summary>
    ShuttingDown,

    /// <summary>The guest panicked or QEMU died unexpectedly.</summary>
    Crashed,

    /// <summary>An outgoing live migration is running; the guest keeps running (or stays paused) meanwhile.</summary>
    Migrating,
}
