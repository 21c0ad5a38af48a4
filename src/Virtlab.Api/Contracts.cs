namespace Virtlab.Api;

// The daemon's HTTP/JSON contract, shared by the daemon and the CLI. Records only; no behaviour.
// Sizes are KiB, as in libvirt. Requests carry the user's strings (sizes, CPU specs) so that the
// daemon validates every client the same way.

public sealed record VersionInfo(string Virtlab, string Qemu, int DaemonPid, string Home);

public sealed record DomainSummary(int? Id, string Name, string State);

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
    string? ConsoleLog);

public sealed record CreateRequest(
    string Name,
    string? Vcpus = null,
    string? Memory = null,
    string? Cpu = null,
    string? Image = null,
    string? Accel = null,
    int? WaitAgentSeconds = null,
    string? Pmu = null,
    string? Network = null);

public sealed record DefineRequest(string Xml);

public sealed record StartRequest(int? WaitAgentSeconds = null);

public sealed record ShutdownRequest(int? TimeoutSeconds = null);

public sealed record JsonCommandRequest(string Command, int? TimeoutSeconds = null);

public sealed record JsonCommandReply(string Reply);

public sealed record TextReply(string Text);

public sealed record ProblemDetail(string Path, string Message);

public sealed record ErrorReply(string Kind, string Message, IReadOnlyList<ProblemDetail> Errors);

public sealed record HostCpuInfo(string Vendor, string ModelName, int Family, int Model, int Stepping, IReadOnlyList<string> Flags);

public sealed record DefectInfo(string Operation, string Summary, string FixedIn);

public sealed record CapabilitiesInfo(
    HostCpuInfo HostCpu,
    string? QemuPath,
    string? QemuVersion,
    IReadOnlyList<DefectInfo> QemuDefects,
    bool KvmUsable,
    string KvmReason,
    string DefaultAccel,
    string DefaultAccelReason,
    IReadOnlyList<string> CpuModels,
    string? ImageDir,
    string? ImageKernelRelease,
    string? ImageProblem,
    IReadOnlyList<string>? MachineTypes = null);
