using Virtlab.Engine.Accel;
using Virtlab.Engine.Capabilities;
using Virtlab.Engine.Clock;
using Virtlab.Engine.Cluster;
using Virtlab.Engine.Cpu;
using Virtlab.Engine.Domains;
using Virtlab.Engine.Host;
using Virtlab.Engine.Hotplug;
using Virtlab.Engine.Lifecycle;
using Virtlab.Engine.Migration;
using Virtlab.Engine.Passthrough;
using Virtlab.Engine.Pmu;
using Virtlab.Engine.Qemu;
using Virtlab.Engine.Store;

namespace Virtlab.Engine;

/// <summary>
/// The composition root of the driver: the shared <see cref="EngineContext"/> and one service per feature, each
/// built on the context alone. The daemon maps each feature's endpoints to its service. Only this class knows every
/// feature; it is also where the daemon's start is orchestrated (re-attach, then let migration settle what it left).
/// </summary>
public sealed class VirtlabEngine : IAsyncDisposable
{
    public VirtlabEngine(
        VirtlabPaths paths,
        StateStore store,
        AcceleratorSelector accel,
        DomainOptions? options = null,
        HotplugOptions? hotplug = null,
        MigrationOptions? migration = null,
        Func<QemuBinary>? qemu = null,
        Action<string>? log = null,
        ClusterOptions? cluster = null)
        : this(new EngineContext(paths, store, accel, options, qemu, log), hotplug, migration, cluster)
    {
    }

    /// <summary>Every feature on a given context (tests build one over fakes).</summary>
    public VirtlabEngine(EngineContext context, HotplugOptions? hotplug = null, MigrationOptions? migration = null, ClusterOptions? cluster = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        Context = context;
        var hotplugOptions = hotplug ?? new HotplugOptions();
        var migrationOptions = migration ?? new MigrationOptions();
        Lifecycle = new LifecycleService(Context);
        Passthrough = new PassthroughService(Context);
        Capabilities = new CapabilitiesService(Context);
        Vcpus = new VcpuHotplugService(Context, hotplugOptions);
        GuestVcpus = new GuestVcpusService(Context, hotplugOptions);
        Memory = new MemoryService(Context, hotplugOptions);
        AutoBalloon = new AutoBalloonService(Context);
        GuestView = new GuestViewService(Context, hotplugOptions);
        Cpu = new CpuModelService(Context);
        Clock = new ClockService(Context);
        Pmu = new PmuService(Context);
        var jobs = new JobRecords(Path.Combine(context.Paths.Home, "jobs"));
        var recovery = new SourceRecovery(Context, jobs);
        var settler = new MigrationSettler(Context, migrationOptions, jobs, recovery);
        MigrationIn = new MigrationInService(Context, migrationOptions, jobs);
        MigrationOut = new MigrationOutService(Context, migrationOptions, jobs, new OutgoingMigrations(), recovery, settler);
        Settler = settler;

        // In a cluster, a dead host's VMs are started here like any start (ownership first), then the agent is awaited;
        // placement defines like 'virtlab define' and takes cpu-baseline's answer; evacuation migrates like 'virtlab migrate'.
        Cluster = new ClusterService(
            Context,
            cluster ?? new ClusterOptions(),
            async (def, ct) => await Lifecycle.StartAsync(def.Name, Context.Options.AgentReadyTimeout, ct).ConfigureAwait(false));
        Context.Ownership = Cluster;
        Placement = new PlacementService(Context, Cluster, Lifecycle.Define, Cpu.CpuBaselineAsync);
        Evacuation = new EvacuationService(Context, Cluster, MigrationOut.MigrateAsync, (name, ct) => MigrationOut.JobInfoAsync(name, false, ct));
    }

    public EngineContext Context { get; }

    public LifecycleService Lifecycle { get; }

    public PassthroughService Passthrough { get; }

    public CapabilitiesService Capabilities { get; }

    public VcpuHotplugService Vcpus { get; }

    public GuestVcpusService GuestVcpus { get; }

    public MemoryService Memory { get; }

    public AutoBalloonService AutoBalloon { get; }

    public GuestViewService GuestView { get; }

    public CpuModelService Cpu { get; }

    public ClockService Clock { get; }

    public PmuService Pmu { get; }

    public ClusterService Cluster { get; }

    public PlacementService Placement { get; }

    public EvacuationService Evacuation { get; }

    public MigrationOutService MigrationOut { get; }

    public MigrationInService MigrationIn { get; }

    private MigrationSettler Settler { get; }

    /// <summary>
    /// Called once when the daemon starts: re-attaches every VM a previous daemon left running; one that was prepared
    /// for an incoming migration waits again for its source, one whose outgoing migration was interrupted is settled.
    /// </summary>
    public async Task<IReadOnlyList<string>> StartAsync(CancellationToken cancellationToken)
    {
        var adopted = await new DomainReattacher(Context).ReattachAsync(cancellationToken).ConfigureAwait(false);
        foreach (var domain in adopted)
        {
            _ = MigrationIn.AdoptIfIncoming(domain) || Settler.SettleIfInterrupted(domain);
        }

        // A member registers again (in the background: an unreachable etcd never holds up the daemon's start).
        Cluster.Rejoin();

        return adopted.Select(d => d.Name).ToList();
    }

    /// <summary>The daemon is going away: stop the loops and close every connection; every VM keeps running.</summary>
    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync().ConfigureAwait(false);
        await AutoBalloon.DisposeAsync().ConfigureAwait(false);
        await Context.Domains.DisposeAsync().ConfigureAwait(false);
    }
}
