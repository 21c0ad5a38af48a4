namespace Virtlab.Domain.State;

public static class DomainActionExtensions
{
    /// <summary>The virsh command for the action ("start", "setvcpus", "domjobabort", ...).</summary>
    public static string ToVirshCommand(this DomainAction action) => action switch
    {
        DomainAction.Start => "start",
        DomainAction.Shutdown => "shutdown",
        DomainAction.Reboot => "reboot",
        DomainAction.Destroy => "destroy",
        DomainAction.Suspend => "suspend",
        DomainAction.Resume => "resume",
        DomainAction.Undefine => "undefine",
        DomainAction.SetVcpus => "setvcpus",
        DomainAction.SetMem => "setmem",
        DomainAction.Migrate => "migrate",
        DomainAction.MigrateCancel => "domjobabort",
        DomainAction.MigrateSetSpeed => "migrate-setspeed",
        DomainAction.MigrateSetMaxDowntime => "migrate-setmaxdowntime",
        DomainAction.AgentCommand => "qemu-agent-command",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "not a domain action"),
    };
}
