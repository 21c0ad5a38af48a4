using Virtlab.Api;
using Virtlab.Domain.Definitions;
using Virtlab.Domain.State;
using Virtlab.Engine.Images;
using Virtlab.Engine.Process;
using Virtlab.Engine.Qemu;
using Virtlab.Engine.Store;
using Virtlab.Qmp;

namespace Virtlab.Engine.Domains;

/// <summary>
/// Starts a QEMU for a defined domain (the lifecycle's start, and the destination of a migration): the argv (never a
/// shell), the process as the daemon's child, the monitor, the NIC on its bridge; then the domain object is
/// registered and its runtime record saved, so that a restarted daemon finds it again.
/// </summary>
public sealed class DomainLauncher(EngineContext context)
{
    /// <param name="incoming">Start the destination of a migration: the same argv plus the devices hot-plugged into the
    /// source, and <c>-incoming defer</c> (QEMU waits, vCPUs stopped, for <c>migrate-incoming</c>).</param>
    public async Task<DomainObject> LaunchAsync(DomainDefinition def, LiveDevices? incoming, CancellationToken cancellationToken)
    {
        var qemu = context.Qemu;
        qemu.EnsureCanStart();
        var accel = context.Accel.Select(def.Accel);
        var image = def.Os.Kernel is null ? GuestImage.Resolve(def.Os.Image, context.Paths.ImagesDir) : null;
        var run = new VmRunPaths(context.Paths.VmRunDir(def.Name));
        if (def.Interface is { } nic)
        {
            Network.LabNetwork.EnsureBridge(nic.Bridge);
        }

        RunDirectory.Prepare(run);
        var argv = QemuCommandLine.Build(qemu.Path, def, accel, image, run);
        if (incoming is not null)
        {
            argv = [.. argv, .. QemuCommandLine.LiveDeviceArguments(incoming), "-incoming", "defer"];
        }

        File.WriteAllText(Path.Combine(run.Directory, "qemu.argv"), string.Join('\n', argv) + "\n");

        // Recorded before QEMU exists (its PID not known yet: 0) and again with its PID right after the spawn: a daemon
        // killed from here on leaves a QEMU the next daemon re-attaches (by the pidfile QEMU writes, when the PID was
        // not recorded yet), never one that runs unrecorded (listed shut off, and started a second time).
        var startedAt = DateTimeOffset.UtcNow;
        var version = qemu.Version.ToString();
        var record = new RuntimeRecord(def.Name, 0, 0, run.Directory, accel.Name, accel.Reason, version, startedAt);
        try
        {
            context.Store.SaveRuntime(record);
        }
        catch (VirtlabException store) when (store.Kind == ErrorKind.StateUnavailable)
        {
            throw new VirtlabException(ErrorKind.StateUnavailable, $"'{def.Name}' was not started: {store.Message}; no QEMU was started", store);
        }

        ChildProcess process;
        try
        {
            process = ChildProcess.Spawn(argv, run.QemuLog);
        }
        catch
        {
            ForgetRecord(def.Name);
            throw;
        }

        QmpClient qmp;
        try
        {
            context.Store.SaveRuntime(record with { Pid = process.Pid, PidStartTicks = process.StartTicks });
            qmp = await ConnectQmpAsync(run, process, cancellationToken).ConfigureAwait(false);
            if (def.Interface is { } attached)
            {
                // QEMU has created the tap by the time its monitor answers; the guest's first packets wait for this.
                await Network.LabNetwork.AttachAsync(run.TapName, attached.Bridge, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            process.Signal(9);
            await process.Exited.ConfigureAwait(false);
            ForgetRecord(def.Name);
            if (e is VirtlabException { Kind: ErrorKind.StateUnavailable } store)
            {
                throw new VirtlabException(ErrorKind.StateUnavailable, $"'{def.Name}' was not started: {store.Message}; its QEMU was stopped", store);
            }

            throw;
        }

        RunDirectory.RestrictSockets(run);
        var runtime = new DomainRuntime(context.Domains.NextId(), run, accel, version, startedAt);
        var domain = new DomainObject(runtime, def, process, qmp, DomainState.Starting, context.Log);
        domain.Transition(incoming is null ? DomainState.Running : DomainState.Paused, incoming is null ? "QEMU started" : "QEMU waits for the incoming migration");
        context.Domains.Add(domain);
        context.Log?.Invoke($"started '{def.Name}' pid {process.Pid} on {accel.Name} ({accel.Reason})");
        return domain;
    }

    private void ForgetRecord(string name)
    {
        try
        {
            context.Store.RemoveRuntime(name);
        }
        catch (VirtlabException e) when (e.Kind == ErrorKind.StateUnavailable)
        {
            // The next daemon start finds the recorded QEMU gone and forgets it.
            context.Log?.Invoke($"'{name}': {e.Message}");
        }
    }

    private async Task<QmpClient> ConnectQmpAsync(VmRunPaths run, ChildProcess process, CancellationToken cancellationToken)
    {
        var timeout = context.Options.QmpReadyTimeout;
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (process.HasExited)
            {
                var status = await process.Exited.ConfigureAwait(false);
                throw new VirtlabException(ErrorKind.QemuError, $"QEMU exited at start (status {status}): {RunDirectory.LastLines(run.QemuLog, 5)}");
            }

            if (File.Exists(run.QmpSocket))
            {
                try
                {
                    return await QmpClient.ConnectAsync(run.QmpSocket, null, cancellationToken).ConfigureAwait(false);
                }
                catch (QmpException) when (DateTime.UtcNow < deadline && !process.HasExited)
                {
                    // QEMU has created the socket but is not listening yet: retry.
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new VirtlabException(ErrorKind.Timeout, $"QEMU did not open its monitor within {timeout.TotalSeconds:0} s: {RunDirectory.LastLines(run.QemuLog, 5)}");
            }

            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
    }
}
