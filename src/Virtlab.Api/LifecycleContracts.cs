namespace Virtlab.Api;

// The daemon's HTTP/JSON contract, shared by the daemon, the CLI and the lab: one file per feature, records only.
// Sizes are KiB, as in libvirt. Requests carry the user's strings (sizes, CPU specs) so that the daemon validates
// every client the same way.

// create, define, start, shutdown, list, dominfo, dumpxml, console.

/// <param name="ClusterHost">In a cluster: the host that holds the definition (define --cluster says where it landed).</param>
public sealed record DomainSummary(int? Id, string Name, string State, string? ClusterHost = null);

public sealed record DomainInfo(
    int? Id,
    string Name,
    Guid Uuid,
    string OsType,
    string State,
    int Vcpus,
    int MaxVcpus,
    double? CpuTimeSeconds,
    long MaxMemoryKiB,
    long UsedMemoryKiB,
    long? HotplugMaxMemoryKiB,
    bool Persistent,
    bool Autostart,
    string CpuModel,
    string? Accel,
    string? AccelReason,
    string? QemuVersion,
    int? Pid,
    DateTimeOffset? StartedAt,
    string? ConsoleLog,
    string? ClusterHost = null);

public sealed record CreateRequest(
    string Name,
    string? Vcpus = null,
    string? Memory = null,
    string? Cpu = null,
    string? Image = null,
    string? Accel = null,
    int? WaitAgentSeconds = null,
    string? Pmu = null,
    string? Network = null,
    bool Cluster = false,
    string? Host = null);

/// <summary>define FILE [--cluster | --host H]: libvirt domain XML; in a cluster, the host placement chooses (or H) holds it.</summary>
public sealed record DefineRequest(string Xml, bool Cluster = false, string? Host = null);

public sealed record StartRequest(int? WaitAgentSeconds = null);

public sealed record ShutdownRequest(int? TimeoutSeconds = null);

public sealed record TextReply(string Text);
