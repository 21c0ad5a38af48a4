using System.Collections.Concurrent;
using Virtlab.Api;
using Virtlab.Domain.Definitions;
using Virtlab.Domain.State;
using Virtlab.Engine.Accel;
using Virtlab.Engine.Host;
using Virtlab.Engine.Process;
using Virtlab.Engine.Qemu;
using Virtlab.Engine.Store;

namespace Virtlab.Engine.Vms;

/// <summary>
/// The driver: defines, starts, stops and queries domains. Each verb is named as in virsh.
/// Running VMs live in memory (<see cref="VmInstance"/>) and in SQLite (<see cref="RuntimeRecord"/>),
/// so that a restarted daemon finds them again and never kills or forgets them.
/// </summary>
public sealed partial class VmManager : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, VmInstance> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _domainLocks = new(StringComparer.Ordinal);
    private readonly Lazy<QemuBinary> _qemu;

    public VmManager(VirtlabPaths paths, StateStore store, AcceleratorSelector accel, VmManagerOptions? options = null, Func<QemuBinary>? qemu = null)
    {
        Paths = paths;
        Store = store;
        Accel = accel;
        Options = options ?? new VmManagerOptions();
        _qemu = new Lazy<QemuBinary>(qemu ?? QemuBinary.Locate);
    }

    public VirtlabPaths Paths { get; }

    public StateStore Store { get; }

    public AcceleratorSelector Accel { get; }

    public VmManagerOptions Options { get; }

    public QemuBinary Qemu => _qemu.Value;

    /// <summary>Optional log hook (the daemon wires it to its logger).</summary>
    public Action<string>? Log { get; init; }

    public IReadOnlyList<DomainSummary> List(bool all)
    {
        var list = new List<DomainSummary>();
        foreach (var def in Store.ListDomains())
        {
            if (_running.TryGetValue(def.Name, out var vm))
            {
                list.Add(new DomainSummary(vm.Id, def.Name, StateOf(vm).ToVirshString()));
            }
            else if (all)
            {
                list.Add(new DomainSummary(null, def.Name, DomainState.ShutOff.ToVirshString()));
            }
        }

        return list.OrderBy(d => d.Id ?? int.MaxValue).ThenBy(d => d.Name, StringComparer.Ordinal).ToList();
    }

    public DomainDefinition GetDefinition(string name) =>
        Store.FindDomain(name) ?? throw NotFound(name);

    public async Task<DomainInfo> InfoAsync(string name, CancellationToken cancellationToken)
    {
        var def = GetDefinition(name);
        if (!_running.TryGetValue(name, out var vm))
        {
            return new DomainInfo(
                null, def.Name, def.Uuid, "hvm", DomainState.ShutOff.ToVirshString(), def.Vcpus, def.MaxVcpus, null,
                def.MemoryKiB, def.CurrentMemoryKiB, def.MaxMemoryKiB, true, false, CpuDescription(def), null, null, null, null, null, null);
        }

        var vcpus = def.Vcpus;
        var used = def.CurrentMemoryKiB;
        var state = StateOf(vm);
        try
        {
            vcpus = (await vm.Qmp.QueryCpusFastAsync(cancellationToken).ConfigureAwait(false)).Count;
            if (def.Balloon is not null)
            {
                used = (await vm.Qmp.QueryBalloonAsync(cancellationToken).ConfigureAwait(false)).Actual / 1024;
            }

            state = DomainStateFromQmp(await vm.Qmp.QueryStatusAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (Virtlab.Qmp.QmpException e)
        {
            Log?.Invoke($"dominfo {name}: QMP query failed: {e.Message}");
        }

        return new DomainInfo(
            vm.Id, def.Name, def.Uuid, "hvm", state.ToVirshString(), vcpus, def.MaxVcpus, CpuTimeSeconds(vm.Process.Pid),
            def.MemoryKiB, used, def.MaxMemoryKiB, true, false, CpuDescription(def), vm.Accel.Name, vm.Accel.Reason,
            vm.QemuVersion, vm.Process.Pid, vm.StartedAt, def.ConsoleLog ?? vm.Run.ConsoleLog);
    }

    /// <summary>The running instance, or an error that says to start the domain.</summary>
    public VmInstance GetRunning(string name)
    {
        if (_running.TryGetValue(name, out var vm))
        {
            return vm;
        }

        _ = GetDefinition(name);
        throw new VirtlabException(ErrorKind.InvalidState, $"domain '{name}' is not running: start it first ('virtlab start {name}')");
    }

    public bool IsRunning(string name) => _running.ContainsKey(name);

    public async ValueTask DisposeAsync()
    {
        // The daemon is going away: close our connections but leave every VM running.
        foreach (var vm in _running.Values)
        {
            await vm.DisposeAsync().ConfigureAwait(false);
        }

        _running.Clear();
    }

    internal static VirtlabException NotFound(string name) =>
        new(ErrorKind.NotFound, $"domain '{name}' not found: 'virtlab list --all' shows the defined domains");

    private static DomainState StateOf(VmInstance vm) =>
        vm.Process.HasExited ? DomainState.ShutOff : vm.Paused ? DomainState.Paused : DomainState.Running;

    private static DomainState DomainStateFromQmp(Virtlab.Qmp.StatusInfo status) => status.Status switch
    {
        "running" => DomainState.Running,
        "paused" or "suspended" or "postmigrate" or "finish-migrate" or "inmigrate" or "prelaunch" or "restore-vm" or "save-vm" => DomainState.Paused,
        "shutdown" => DomainState.ShuttingDown,
        "internal-error" or "io-error" or "guest-panicked" => DomainState.Crashed,
        _ => status.Running ? DomainState.Running : DomainState.Paused,
    };

    private static string CpuDescription(DomainDefinition def) => def.Cpu.Mode switch
    {
        CpuMode.Default => "qemu64",
        CpuMode.HostPassthrough => "host-passthrough",
        CpuMode.HostModel => "host-model",
        _ => def.Cpu.Model ?? "?",
    };

    private static double? CpuTimeSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture)
                + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
            return ticks / 100.0;
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private SemaphoreSlim DomainLock(string name) => _domainLocks.GetOrAdd(name, _ => new SemaphoreSlim(1, 1));
}
