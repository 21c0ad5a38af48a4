namespace Virtlab.Qga;

/// <summary>One logical CPU as the guest sees it (<c>guest-get-vcpus</c>, QAPI <c>GuestLogicalProcessor</c>).</summary>
/// <param name="LogicalId">The guest's logical CPU number (follows APIC-ID order on x86).</param>
/// <param name="Online">Whether the guest runs tasks on it.</param>
/// <param name="CanOffline">Whether the guest allows taking it offline (false for the boot CPU); null when not
/// reported. Ignored by <c>guest-set-vcpus</c>.</param>
public sealed record GuestVcpu(long LogicalId, bool Online, bool? CanOffline = null);
