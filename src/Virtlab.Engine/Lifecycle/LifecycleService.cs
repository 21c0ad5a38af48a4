using Virtlab.Api;
using Virtlab.Domain.Definitions;
using Virtlab.Domain.State;
using Virtlab.Engine.Domains;
using Virtlab.Engine.Process;
using Virtlab.Engine.Qemu;
using Virtlab.Qmp;

namespace Virtlab.Engine.Lifecycle;

/// <summary>
/// A domain's life, in virsh's verbs: define, create (define and start), start, shutdown, destroy, undefine, and what
/// is there: list, dominfo, dumpxml, console. QEMU is started by <see cref="DomainLauncher"/> and stopped by
/// <see cref="DomainStopper"/>, which the migration feature shares.
/// </summary>
public sealed class LifecycleService(EngineContext context)
{
    private readonly DomainDefiner _definer = new(context);
    private readonly DomainLauncher _launcher = new(context);
    private readonly DomainStopper _stopper = new(context);

    public DomainDefinition GetDefinition(string name) => context.GetDefinition(name);

    /// <summary>virsh define: stores a new definition after validating it; nothing is stored when anything is wrong.</summary>
    public DomainDefinition Define(DomainDefinition def) => _definer.Define(def);

    /// <summary>virt-install's define-and-start; a start that fails leaves no definition behind.</summary>
    public async Task<DomainObject> CreateAsync(DomainDefinition def, TimeSpan? waitAgent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(def);
        Define(def);
        try
        {
            return await StartAsync(def.Name, waitAgent, cancellationToken).ConfigureAwait(false);
        }
        catch (VirtlabException e) when (e.Kind is not ErrorKind.AgentUnresponsive)
        {
            // Nothing half-done: the VM did not start, so the definition goes too.
            if (!context.Domains.Contains(def.Name))
            {
                context.Store.RemoveDomain(def.Name);
            }

            throw;
        }
    }

    /// <summary>
    /// virsh start [--wait-agent]: QEMU from the definition (in a cluster, once this host holds the VM's ownership); then,
    /// if asked, a bounded wait for the guest agent.
    /// </summary>
    public async Task<DomainObject> StartAsync(string name, TimeSpan? waitAgent, CancellationToken cancellationToken)
    {
        var def = context.GetDefinition(name);
        var domain = await context.Domains.WithNameLockAsync(name, async () =>
        {
            if (context.Domains.TryGet(name, out var running))
            {
                running.EnsureAllowed(DomainAction.Start);
            }

            await context.Ownership.AcquireAsync(def, cancellationToken).ConfigureAwait(false);
            return await _launcher.LaunchAsync(def, null, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);

        if (waitAgent is { } wait)
        {
            await WaitForAgentAsync(domain, wait, cancellationToken).ConfigureAwait(false);
        }

        return domain;
    }

    /// <summary>
    /// ACPI power button, then a bounded wait for the guest to power off. The button is pressed again every second: a
    /// guest still booting (before its acpid runs, ~3 s here) ignores it.
    /// </summary>
    public async Task ShutdownAsync(string name, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var domain = context.GetRunning(name);
        using var job = domain.Job.Begin(DomainJobKind.Shutdown);
        domain.EnsureAllowed(DomainAction.Shutdown);
        domain.Transition(DomainState.ShuttingDown, "ACPI power button");
        var wait = timeout ?? context.Options.ShutdownTimeout;
        var deadline = Task.Delay(wait, cancellationToken);
        while (!domain.Process.HasExited)
        {
            try
            {
                await domain.Qmp.SystemPowerdownAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (QmpException) when (domain.Process.HasExited || !domain.Qmp.IsConnected)
            {
                // QEMU went away between two presses: that is the outcome we wanted.
                break;
            }
            catch (QmpException e) when (e.Kind == QmpErrorKind.Timeout)
            {
                // QEMU does not answer its monitor (hung, or stopped with SIGSTOP). The press was written to the
                // monitor and waits there: if QEMU runs again it takes it and the guest powers off then. Leave the
                // domain running (it is, as far as anyone can tell) and say both.
                domain.Transition(DomainState.Running, "QEMU did not answer the power button");
                throw new VirtlabException(
                    ErrorKind.Timeout,
                    $"domain '{name}' was not shut down: its QEMU does not answer its monitor ({e.Message}); the power button waits there, so the guest " +
                    $"may still power off if QEMU runs again; use 'virtlab destroy {name}' to stop it at once",
                    e);
            }
            catch (QmpException e)
            {
                domain.Transition(DomainState.Running, "the power button could not be pressed");
                throw new VirtlabException(
                    ErrorKind.QemuError,
                    $"domain '{name}' was not shut down: its QEMU did not take the power button ({e.Message}); it is still there: use 'virtlab destroy {name}' to stop it at once",
                    e);
            }

            var done = await Task.WhenAny(domain.Process.Exited, deadline, Task.Delay(TimeSpan.FromSeconds(1), cancellationToken)).ConfigureAwait(false);
            if (done == deadline)
            {
                domain.Transition(DomainState.Running, "the guest did not power off");
                throw new VirtlabException(
                    ErrorKind.Timeout,
                    $"domain '{name}' did not power off within {wait.TotalSeconds:0} s of the ACPI power button; it is still running: use 'virtlab destroy {name}' to stop it at once");
            }
        }

        await domain.Process.Exited.ConfigureAwait(false);
        await context.Domains.ForgetAsync(domain).ConfigureAwait(false);
    }

    /// <summary>virsh destroy: stops QEMU at once, whatever job holds the domain (that job then fails and cleans up).</summary>
    public Task DestroyAsync(string name, CancellationToken cancellationToken) =>
        _stopper.StopAsync(context.GetRunning(name), cancellationToken);

    public void Undefine(string name)
    {
        _ = context.GetDefinition(name);
        if (context.Domains.TryGet(name, out var domain))
        {
            domain.EnsureAllowed(DomainAction.Undefine);
        }

        context.Store.RemoveDomain(name);
        RunDirectory.TryDeleteAll(context.Paths.VmRunDir(name));
    }

    /// <summary>virsh list [--all].</summary>
    public IReadOnlyList<DomainSummary> List(bool all)
    {
        var list = new List<DomainSummary>();
        foreach (var def in context.Store.ListDomains())
        {
            if (context.Domains.TryGet(def.Name, out var domain))
            {
                list.Add(new DomainSummary(domain.Id, def.Name, domain.VisibleState.ToVirshString()));
            }
            else if (all)
            {
                list.Add(new DomainSummary(null, def.Name, DomainState.ShutOff.ToVirshString()));
            }
        }

        return list.OrderBy(d => d.Id ?? int.MaxValue).ThenBy(d => d.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>virsh dominfo: the definition, and for a running domain what QEMU says now.</summary>
    public async Task<DomainInfo> InfoAsync(string name, CancellationToken cancellationToken)
    {
        var def = context.GetDefinition(name);
        if (!context.Domains.TryGet(name, out var domain))
        {
            return new DomainInfo(
                null, def.Name, def.Uuid, "hvm", DomainState.ShutOff.ToVirshString(), def.Vcpus, def.MaxVcpus, null,
                def.MemoryKiB, def.CurrentMemoryKiB, def.MaxMemoryKiB, true, false, CpuDescription(def), null, null, null, null, null, null);
        }

        var vcpus = def.Vcpus;
        var used = def.CurrentMemoryKiB;
        try
        {
            vcpus = (await domain.Qmp.QueryCpusFastAsync(cancellationToken).ConfigureAwait(false)).Count;
            if (def.Balloon is not null)
            {
                used = (await domain.Qmp.QueryBalloonAsync(cancellationToken).ConfigureAwait(false)).Actual / 1024;
            }
        }
        catch (QmpException e)
        {
            context.Log?.Invoke($"dominfo {name}: QMP query failed: {e.Message}");
        }

        return new DomainInfo(
            domain.Id, def.Name, def.Uuid, "hvm", domain.VisibleState.ToVirshString(), vcpus, def.MaxVcpus, ProcessStats.CpuTimeSeconds(domain.Process.Pid),
            def.MemoryKiB, used, def.MaxMemoryKiB, true, false, CpuDescription(def), domain.Accel.Name, domain.Accel.Reason,
            domain.QemuVersion, domain.Process.Pid, domain.Runtime.StartedAt, def.ConsoleLog ?? domain.Run.ConsoleLog, context.Ownership.HostId);
    }

    /// <summary>virtlab console NAME --log: the end of the guest's serial console log.</summary>
    public string ConsoleLog(string name, int maxBytes = 256 * 1024)
    {
        var def = context.GetDefinition(name);
        var path = def.ConsoleLog ?? new VmRunPaths(context.Paths.VmRunDir(name)).ConsoleLog;
        if (!File.Exists(path))
        {
            return string.Empty;
        }

        using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (f.Length > maxBytes)
        {
            f.Seek(-maxBytes, SeekOrigin.End);
        }

        using var r = new StreamReader(f);
        return r.ReadToEnd();
    }

    /// <summary>--wait-agent: a bounded wait for the guest agent's first answer.</summary>
    public async Task WaitForAgentAsync(DomainObject domain, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        try
        {
            var agent = await domain.AgentAsync(cancellationToken).ConfigureAwait(false);
            await agent.WaitForAgentAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Virtlab.Qga.GuestAgentException e)
        {
            throw new VirtlabException(
                ErrorKind.AgentUnresponsive,
                $"domain '{domain.Name}' is running, but its guest agent did not answer within {timeout.TotalSeconds:0} s ({e.Message}); " +
                $"see its console with 'virtlab console {domain.Name} --log'",
                e);
        }
    }

    private static string CpuDescription(DomainDefinition def) => def.Cpu.Mode switch
    {
        CpuMode.Default => "qemu64",
        CpuMode.HostPassthrough => "host-passthrough",
        CpuMode.HostModel => "host-model",
        _ => def.Cpu.Model ?? "?",
    };
}
