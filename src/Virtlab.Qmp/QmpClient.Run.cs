namespace Virtlab.Qmp;

/// <summary>Run-state and host-side queries.</summary>
public sealed partial class QmpClient
{
    /// <summary><c>query-status</c>: QEMU's run state.</summary>
    public Task<StatusInfo> QueryStatusAsync(CancellationToken cancellationToken = default) =>
        ExecuteAsync("query-status", null, QmpJsonContext.Default.StatusInfo, cancellationToken);

    /// <summary><c>query-version</c>.</summary>
    public async Task<QemuVersion> QueryVersionAsync(CancellationToken cancellationToken = default)
    {
        var value = await ExecuteAsync("query-version", null, null, cancellationToken);
        try
        {
            return QmpMessages.ParseVersion(value);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException)
        {
            throw new QmpException(QmpErrorKind.ProtocolError, $"unexpected reply to 'query-version': {value?.ToJsonString()}", e);
        }
    }

    /// <summary><c>query-kvm</c>.</summary>
    public Task<KvmInfo> QueryKvmAsync(CancellationToken cancellationToken = default) =>
        ExecuteAsync("query-kvm", null, QmpJsonContext.Default.KvmInfo, cancellationToken);

    /// <summary><c>query-machines</c>: the machine types this QEMU offers.</summary>
    public async Task<IReadOnlyList<MachineInfo>> QueryMachinesAsync(CancellationToken cancellationToken = default) =>
        await ExecuteAsync("query-machines", null, QmpJsonContext.Default.ListMachineInfo, cancellationToken);

    /// <summary><c>query-commands</c>: the commands this QEMU accepts.</summary>
    public async Task<IReadOnlyList<CommandInfo>> QueryCommandsAsync(CancellationToken cancellationToken = default) =>
        await ExecuteAsync("query-commands", null, QmpJsonContext.Default.ListCommandInfo, cancellationToken);

    /// <summary><c>stop</c>: pauses the vCPUs (a <c>STOP</c> event follows).</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) =>
        ExecuteAsync("stop", null, null, cancellationToken);

    /// <summary><c>cont</c>: resumes the vCPUs (a <c>RESUME</c> event follows).</summary>
    public Task ContAsync(CancellationToken cancellationToken = default) =>
        ExecuteAsync("cont", null, null, cancellationToken);

    /// <summary><c>system_powerdown</c>: presses the ACPI power button; whether the guest shuts down is up to it.</summary>
    public Task SystemPowerdownAsync(CancellationToken cancellationToken = default) =>
        ExecuteAsync("system_powerdown", null, null, cancellationToken);

    /// <summary><c>quit</c>: QEMU exits. The connection closing before or after the reply counts as success;
    /// await <see cref="Completion"/> to see the socket close.</summary>
    public async Task QuitAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await ExecuteAsync("quit", null, null, cancellationToken);
        }
        catch (QmpException e) when (e.Kind == QmpErrorKind.ExecInterrupted)
        {
            // QEMU exited before (or while) answering: that is what quit asks for.
        }
    }
}
