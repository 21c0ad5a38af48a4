using Virtlab.Domain.Definitions;
using Virtlab.Domain.State;
using Virtlab.Engine.Accel;
using Virtlab.Engine.Process;
using Virtlab.Engine.Qemu;
using Virtlab.Qga;
using Virtlab.Qmp;

namespace Virtlab.Engine.Domains;

/// <summary>
/// A running domain, as libvirt's QEMU driver holds one (virDomainObj with its monitor, agent and job): the
/// definition, the QEMU process (the daemon's child, or re-attached after a restart), the one QMP connection (QEMU
/// serves one monitor client at a time), a lazily opened guest-agent connection, the facts of this QEMU process, the
/// one job slot, and the state. Every state change goes through <see cref="Transition"/>, which asks
/// <see cref="DomainStateMachine"/>; every feature service reads and changes per-VM state here and nowhere else.
/// </summary>
public sealed class DomainObject : IAsyncDisposable
{
    private readonly SemaphoreSlim _agentGate = new(1, 1);
    private readonly Lock _stateGate = new();
    private readonly Action<string>? _log;
    private GuestAgentClient? _agent;

    public DomainObject(DomainRuntime runtime, DomainDefinition definition, ChildProcess process, QmpClient qmp, DomainState state, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        Runtime = runtime;
        Definition = definition;
        Process = process;
        Qmp = qmp;
        State = state;
        Paused = state == DomainState.Paused;
        Job = new DomainJob(definition.Name);
        _log = log;
    }

    public string Name => Definition.Name;

    public DomainDefinition Definition { get; }

    /// <summary>What this QEMU process is: its list id, run directory, accelerator, QEMU version and start time.</summary>
    public DomainRuntime Runtime { get; }

    public int Id => Runtime.Id;

    public VmRunPaths Run => Runtime.Run;

    public Accelerator Accel => Runtime.Accel;

    public string QemuVersion => Runtime.QemuVersion;

    public ChildProcess Process { get; }

    public QmpClient Qmp { get; }

    public DomainJob Job { get; }

    /// <summary>Where the domain is in its life. Changed only by <see cref="Transition"/>.</summary>
    public DomainState State { get; private set; }

    /// <summary>The vCPUs are stopped (QMP STOP/RESUME). Also true while <see cref="State"/> is Migrating and QEMU stopped them.</summary>
    public bool Paused { get; private set; }

    /// <summary>The state as virsh shows it: a migrating or shutting-down domain is still running (or paused), as in libvirt.</summary>
    public DomainState VisibleState => State switch
    {
        DomainState.Migrating or DomainState.ShuttingDown or DomainState.Starting => Paused ? DomainState.Paused : DomainState.Running,
        _ => State,
    };

    /// <summary>vCPU threads this QEMU process has created (TCG never frees their contexts: <see cref="Qemu.TcgVcpuSlots"/>); null until first counted.</summary>
    public int? VcpuThreadsCreated { get; set; }

    /// <summary>The balloon statistics period set on this QEMU process, seconds; null until set.</summary>
    public int? StatsPollingPeriod { get; set; }

    /// <summary>Stopwatch ticks of the last suspend, for resume's "paused for" figure.</summary>
    public long? SuspendedAt { get; set; }

    /// <summary>Why this QEMU process must not be migrated (run/NAME/no-migrate: it outlives a daemon restart), or null.</summary>
    public string? MigrationBlocker => File.Exists(Run.MigrationBlocker) ? File.ReadAllText(Run.MigrationBlocker).Trim() : null;

    /// <summary>Marks this QEMU process as one that must not be migrated, with the reason migrate will give.</summary>
    public void BlockMigration(string reason) => File.WriteAllText(Run.MigrationBlocker, reason);

    /// <summary>
    /// Moves the domain to <paramref name="to"/> if <see cref="DomainStateMachine.IsValidTransition"/> allows it; an
    /// invalid one is logged and ignored (a late QMP event must not corrupt the state). Staying put is a no-op.
    /// </summary>
    public bool Transition(DomainState to, string why)
    {
        lock (_stateGate)
        {
            if (State == to)
            {
                return true;
            }

            if (!DomainStateMachine.IsValidTransition(State, to))
            {
                _log?.Invoke($"'{Name}': ignored a change from {State} to {to} ({why}): not a valid transition");
                return false;
            }

            State = to;
            Paused = to == DomainState.Paused || (to == DomainState.Migrating && Paused);
            return true;
        }
    }

    /// <summary>QMP STOP or RESUME: the vCPUs stopped or run again; a running or paused domain follows them.</summary>
    public void OnVcpusRunning(bool running)
    {
        lock (_stateGate)
        {
            Paused = !running;
            if (State is DomainState.Running or DomainState.Paused)
            {
                State = running ? DomainState.Running : DomainState.Paused;
            }
        }
    }

    /// <summary>Throws <see cref="ErrorKind.InvalidState"/> with the state machine's words when <paramref name="action"/> is not allowed now.</summary>
    public void EnsureAllowed(DomainAction action)
    {
        if (DomainStateMachine.Check(Name, State, action) is { } problem)
        {
            throw new VirtlabException(ErrorKind.InvalidState, problem.Message);
        }
    }

    /// <summary>The guest-agent connection, opened on first use and again after it broke.</summary>
    public async Task<GuestAgentClient> AgentAsync(CancellationToken cancellationToken)
    {
        if (!Definition.GuestAgent)
        {
            throw new VirtlabException(
                ErrorKind.Unsupported,
                $"domain '{Name}' has no guest-agent channel: define it with <channel ... name='org.qemu.guest_agent.0'/>");
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

    /// <summary>Closes the monitor and agent connections; QEMU keeps running.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_agent is not null)
        {
            await _agent.DisposeAsync().ConfigureAwait(false);
        }

        await Qmp.DisposeAsync().ConfigureAwait(false);
    }
}
