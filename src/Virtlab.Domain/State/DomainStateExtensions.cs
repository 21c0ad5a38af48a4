namespace Virtlab.Domain.State;

public static class DomainStateExtensions
{
    /// <summary>
    /// virsh's word for the state ("running", "paused", "shut off", "crashed", "in shutdown").
    /// virsh has no word for <see cref="DomainState.Starting"/> and <see cref="DomainState.Migrating"/>
    /// (libvirt shows them as reasons of paused and running); Virtlab says "starting" and "migrating".
    /// </summary>
    public static string ToVirshString(this DomainState state) => state switch
    {
        DomainState.ShutOff => "shut off",
        DomainState.Starting => "starting",
        DomainState.Running => "running",
        DomainState.Paused => "paused",
        DomainState.ShuttingDown => "in shutdown",
        DomainState.Crashed => "crashed",
        DomainState.Migrating => "migrating",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "not a domain state"),
    };
}
