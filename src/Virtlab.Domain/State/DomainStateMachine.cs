using Virtlab.Domain.Validation;

namespace Virtlab.Domain.State;

/// <summary>
/// The one place that decides what is legal, as Cloud Hypervisor's <c>VmState::valid_transition</c>
/// does: which state changes can happen (<see cref="IsValidTransition"/>) and which user actions are
/// allowed in which state (<see cref="Check(string, DomainState, DomainAction)"/>).
/// </summary>
/// <remarks>
/// Live changes (<c>setvcpus</c>, <c>setmem</c>, agent commands) need a running guest, not a paused
/// one: the guest must answer the hot-plug or balloon request for it to complete. During a
/// migration only the migration's own controls, <c>destroy</c> and guest-agent commands are allowed.
/// </remarks>
public static class DomainStateMachine
{
    /// <summary>Whether a domain can go from <paramref name="from"/> to <paramref name="to"/>. Staying put is not a transition.</summary>
    public static bool IsValidTransition(DomainState from, DomainState to) => (from, to) switch
    {
        (DomainState.ShutOff, DomainState.Starting) => true,

        // Started (possibly paused, as "start --paused"), failed to start, or died while starting.
        (DomainState.Starting, DomainState.Running or DomainState.Paused or DomainState.ShutOff or DomainState.Crashed) => true,

        (DomainState.Running, DomainState.Paused or DomainState.ShuttingDown or DomainState.ShutOff
            or DomainState.Crashed or DomainState.Migrating) => true,
        (DomainState.Paused, DomainState.Running or DomainState.ShutOff or DomainState.Crashed
            or DomainState.Migrating) => true,

        // The guest stopped, ignored the request (back to running), or crashed on the way down.
        (DomainState.ShuttingDown, DomainState.ShutOff or DomainState.Running or DomainState.Crashed) => true,

        // destroy cleans up; start launches it again.
        (DomainState.Crashed, DomainState.ShutOff or DomainState.Starting) => true,

        // Failed or cancelled (back to running or paused), completed (the source stops), or died.
        (DomainState.Migrating, DomainState.Running or DomainState.Paused or DomainState.ShutOff
            or DomainState.Crashed) => true,

        _ => false,
    };

    /// <summary>Whether <paramref name="action"/> is allowed in <paramref name="state"/>.</summary>
    public static bool IsAllowed(DomainState state, DomainAction action) => action switch
    {
        DomainAction.Start => state is DomainState.ShutOff or DomainState.Crashed,
        DomainAction.Shutdown or DomainAction.Reboot => state is DomainState.Running,
        DomainAction.Destroy => state is not DomainState.ShutOff,
        DomainAction.Suspend => state is DomainState.Running,
        DomainAction.Resume => state is DomainState.Paused,
        DomainAction.Undefine => state is DomainState.ShutOff,
        DomainAction.SetVcpus or DomainAction.SetMem => state is DomainState.Running,

        // As libvirt's agent jobs, separate from the domain's job: the guest answers its agent while its memory moves.
        DomainAction.AgentCommand => state is DomainState.Running or DomainState.Migrating,
        DomainAction.Migrate => state is DomainState.Running or DomainState.Paused,
        DomainAction.MigrateCancel or DomainAction.MigrateSetSpeed or DomainAction.MigrateSetMaxDowntime =>
            state is DomainState.Migrating,
        _ => false,
    };

    /// <summary>Null when the action is allowed; else why not and what to do, with the virsh command as the path.</summary>
    public static ValidationError? Check(DomainState state, DomainAction action) => Check(null, state, action);

    /// <summary>As <see cref="Check(DomainState, DomainAction)"/>, naming the domain in the message ("domain 't1' is not running: start it first").</summary>
    public static ValidationError? Check(string? domainName, DomainState state, DomainAction action)
    {
        if (IsAllowed(state, action))
        {
            return null;
        }

        var domain = domainName is null ? "domain" : $"domain '{domainName}'";
        return new ValidationError(action.ToVirshCommand(), Explain(domain, state, action));
    }

    private static string Explain(string domain, DomainState state, DomainAction action) => (state, action) switch
    {
        (_, DomainAction.MigrateCancel or DomainAction.MigrateSetSpeed or DomainAction.MigrateSetMaxDowntime) =>
            $"{domain} is not being migrated: there is no migration to control",

        (DomainState.ShutOff, DomainAction.Destroy) => $"{domain} is not running",
        (DomainState.ShutOff, DomainAction.Resume) => $"{domain} is not running: start it first",
        (DomainState.ShutOff, DomainAction.SetVcpus or DomainAction.SetMem) =>
            $"{domain} is not running: start it first, or change its definition (--config) for the next start",
        (DomainState.ShutOff, _) => $"{domain} is not running: start it first",

        (DomainState.Running, DomainAction.Start) => $"{domain} is already running",
        (DomainState.Running, DomainAction.Resume) => $"{domain} is not paused: it is already running",
        (DomainState.Running, DomainAction.Undefine) => $"{domain} is running: destroy it before undefine",

        (DomainState.Paused, DomainAction.Start) => $"{domain} is already running (paused): resume it",
        (DomainState.Paused, DomainAction.Suspend) => $"{domain} is already paused",
        (DomainState.Paused, DomainAction.Undefine) => $"{domain} is paused: destroy it before undefine",
        (DomainState.Paused, DomainAction.SetVcpus or DomainAction.SetMem or DomainAction.AgentCommand) =>
            $"{domain} is paused: resume it first (the guest must answer)",
        (DomainState.Paused, _) => $"{domain} is paused: resume it first",

        (DomainState.ShuttingDown, DomainAction.Shutdown) => $"{domain} is already shutting down: wait, or destroy it",
        (DomainState.ShuttingDown, DomainAction.Undefine) => $"{domain} is shutting down: wait for it to stop (or destroy it) before undefine",
        (DomainState.ShuttingDown, _) => $"{domain} is shutting down: wait for it to stop, or destroy it",

        (DomainState.Starting, _) => $"{domain} is still starting: wait until it runs",

        (DomainState.Crashed, DomainAction.Undefine) => $"{domain} crashed: destroy it to clean up before undefine",
        (DomainState.Crashed, _) => $"{domain} crashed: destroy it to clean up, or start it again",

        (DomainState.Migrating, DomainAction.Undefine) => $"{domain} is being migrated: cancel the migration (domjobabort) and destroy it before undefine",
        (DomainState.Migrating, _) => $"{domain} is being migrated: wait for the migration to finish, or cancel it (domjobabort)",

        _ => $"{domain} is {state.ToVirshString()}: {action.ToVirshCommand()} is not possible now",
    };
}
