using Virtlab.Engine.Accel;
using Virtlab.Engine.Qemu;
using Virtlab.Engine.Host;
using Virtlab.Engine.Store;

namespace Virtlab.Engine.Domains;

/// <summary>
/// What every feature service shares and nothing more: this host's paths, the state store, the accelerator choice,
/// the QEMU binary, the running domains, the CPU capabilities of this QEMU, the lifecycle timeouts, the log, and who
/// may run a VM (<see cref="IVmOwnership"/>).
/// Feature services depend on this and on the domain objects, never on each other.
/// </summary>
public sealed class EngineContext
{
    private readonly Lazy<QemuBinary> _qemu;

    public EngineContext(VirtlabPaths paths, StateStore store, AcceleratorSelector accel, DomainOptions? options = null, Func<QemuBinary>? qemu = null, Action<string>? log = null)
    {
        Paths = paths;
        Store = store;
        Accel = accel;
        Options = options ?? new DomainOptions();
        Log = log;
        _qemu = new Lazy<QemuBinary>(qemu ?? QemuBinary.Locate);
        Domains = new DomainRegistry(store, log);
        CpuCaps = new CpuCapsCache(this);
        PeerTls = new Lazy<Peers.PeerCredentials>(() => Peers.PeerCredentials.Prepare(paths.Home, Environment.GetEnvironmentVariable("VIRTLAB_TLS_DIR"), []), LazyThreadSafetyMode.PublicationOnly);
    }

    public VirtlabPaths Paths { get; }

    public StateStore Store { get; }

    public AcceleratorSelector Accel { get; }

    public DomainOptions Options { get; }

    public QemuBinary Qemu => _qemu.Value;

    public DomainRegistry Domains { get; }

    public CpuCapsCache CpuCaps { get; }

    public Action<string>? Log { get; }

    /// <summary>
    /// This host's TLS certificates for calling other hosts and for the migration stream (made on first use; the
    /// daemon sets the ones its --listen and --tls-dir call for).
    /// </summary>
    public Lazy<Peers.PeerCredentials> PeerTls { get; set; }

    /// <summary>Who may run a VM: this host alone, until the composition root gives the cluster's answer.</summary>
    public IVmOwnership Ownership { get; set; } = SingleHostOwnership.Instance;

    public Domain.Definitions.DomainDefinition GetDefinition(string name) =>
        Store.FindDomain(name) ?? throw NotFound(name);

    /// <summary>The running domain, or an error that says to start it.</summary>
    public DomainObject GetRunning(string name)
    {
        if (Domains.TryGet(name, out var domain))
        {
            return domain;
        }

        _ = GetDefinition(name);
        throw new VirtlabException(ErrorKind.InvalidState, $"domain '{name}' is not running: start it first ('virtlab start {name}')");
    }

    public static VirtlabException NotFound(string name) =>
        new(ErrorKind.NotFound, $"domain '{name}' not found: 'virtlab list --all' shows the defined domains");
}
