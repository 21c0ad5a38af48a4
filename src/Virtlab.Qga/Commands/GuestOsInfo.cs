namespace Virtlab.Qga;

/// <summary>Reply of <c>guest-get-osinfo</c>; every member is optional on the wire.</summary>
public sealed record GuestOsInfo(
    string? Id,
    string? Name,
    string? PrettyName,
    string? Version,
    string? VersionId,
    string? KernelRelease,
    string? KernelVersion,
    string? Machine,
    string? Variant = null,
    string? VariantId = null);
