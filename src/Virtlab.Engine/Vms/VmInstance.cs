using Virtlab.Domain.Definitions;
using Virtlab.Engine.Accel;
using Virtlab.Engine.Process;
using Virtlab.Engine.Qemu;
using Virtlab.Qga;
using Virtlab.Qmp;

namespace Virtlab.Engine.Vms;

/// <summary>
/// A running VM as the daemon holds it: the QEMU process (its child, or re-attached after a
/// restart), the one QMP connection (QEMU serves one monitor client at a time, so nothing else
/// may connect), and a lazily opened guest-agent connection.
/// </summary>
public sealed class VmInstance : IAsyncDisposable
{
    private readonly SemaphoreSlim _agentGate = new(1, 1);
    private GuestAgentClient? _agent;

    public VmInstance(
        int id,
        DomainDefinition definition,
        VmRunPaths run,
        ChildProcess process,
        QmpClient qmp,
        Accelerator accel,
        string qemuVersion,
        DateTimeOffset startedAt)
    {
        Id = id;
        Definition = definition;
        Run = run;
        Process = process;
        Qmp = qmp;
        Accel = accel;
        QemuVersion = qemuVersion;
        StartedAt = startedAt;
    }

    public int Id { get; }

    public DomainDefinition Definition { get; set; }

    public VmRunPaths Run { get; }

    public ChildProcess Process { get; }

    public QmpClient Qmp { get; }

    public Accelerator Accel { get; }

    public string QemuVersion { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>Paused by QMP (STOP/RESUME events keep it current).</summary>
    public bool Paused { get; set; }

    /// <summary>One job at a time per VM (start/stop/hot-plug/migrate); reads do not take it.</summary>
    public SemaphoreSlim Job { get; } = new(1, 1);

    /// <summary>The guest-agent connection, opened on first use and again after it broke.</summary>
    public async Task<GuestAgentClient> AgentAsync(CancellationToken cancellationToken)
    {
        if (!Definition.GuestAgent)
        {
            throw new VirtlabException(
                ErrorKind.Unsupported,
                $"domain '{Definition.Name}' has no guest-agent channel: define it with <channel ... name='org.qemu.guest_agent.0'/>");
        }

        await _agentGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_agent is { IsConnected: true })
            {
                return _agent;
            }

            if (_agent is not null)
            {
                await _agent.DisposeAsync().ConfigureAwait(false);
            }

            _agent = await GuestAgentClient.ConnectAsync(Run.AgentSocket, null, cancellationToken).ConfigureAwait(false);
            return _agent;
        }
        finally
        {
            _agentGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_agent is not null)
        {
            await _agent.DisposeAsync().ConfigureAwait(false);
        }

        await Qmp.DisposeAsync().ConfigureAwait(false);
    }
}
