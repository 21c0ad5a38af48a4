namespace Virtlab.Lab.Scenarios;

/// <summary>
/// Where the application runs: on this machine (<c>host: true</c>, the physical world) and in a matrix of VMs, CPU
/// model × vCPUs × memory × accelerator, with CI-style <c>exclude</c> and <c>include</c> rows. <see cref="WorldMatrix"/>
/// expands it into <see cref="WorldSpec"/>s.
/// </summary>
/// <param name="Vcpus">virtlab create's --vcpus form: "2" or "2,maxvcpus=4".</param>
/// <param name="Memory">virtlab create's --memory form: "256M" or "256M,maxmemory=1G".</param>
public sealed record WorldsSpec(
    bool Host,
    IReadOnlyList<string> Cpu,
    IReadOnlyList<string> Vcpus,
    IReadOnlyList<string> Memory,
    IReadOnlyList<string> Accel,
    IReadOnlyList<IReadOnlyDictionary<string, string>> Exclude,
    IReadOnlyList<IReadOnlyDictionary<string, string>> Include);

/// <summary>One world of the matrix. For the host world every VM field is null.</summary>
/// <param name="Id">Stable and file-name safe: "host", "vm-nehalem-2v4-256m-auto"; the run directory's name and the resume key.</param>
/// <param name="Label">For people: "Nehalem · 2 vCPUs (max 4) · 256 MiB · auto".</param>
public sealed record WorldSpec(string Id, string Label, WorldKind Kind, string? Cpu, string? Vcpus, string? Memory, string? Accel);

public enum WorldKind
{
    Host,
    Vm,
}
