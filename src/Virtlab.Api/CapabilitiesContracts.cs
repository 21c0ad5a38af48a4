namespace Virtlab.Api;

// version and capabilities: this host, its QEMU, the accelerator and the guest image.

public sealed record VersionInfo(string Virtlab, string Qemu, int DaemonPid, string Home);

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
