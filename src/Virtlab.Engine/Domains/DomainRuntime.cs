using Virtlab.Engine.Accel;
using Virtlab.Engine.Qemu;

namespace Virtlab.Engine.Domains;

/// <summary>The facts of one QEMU process of a domain, fixed while it lives.</summary>
/// <param name="Id">virsh's list id, unique among running domains.</param>
public sealed record DomainRuntime(int Id, VmRunPaths Run, Accelerator Accel, string QemuVersion, DateTimeOffset StartedAt);
