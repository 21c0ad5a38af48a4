namespace Virtlab.Domain.Definitions;

/// <summary>
/// libvirt's &lt;interface type='bridge'&gt;: one virtio-net NIC on a host bridge (the lab network), with a fixed MAC
/// and, for Virtlab's default image, a fixed IPv4 address the guest configures at boot (libvirt's &lt;ip&gt; element;
/// passed to the guest as <c>virtlab.ip=ADDRESS/PREFIX</c>). The MAC and address move with the guest on migration, so
/// it can be pinged from outside across one, as in the talk.
/// </summary>
public sealed record InterfaceDefinition
{
    /// <summary>&lt;source bridge='NAME'/&gt;: the host bridge the NIC's tap joins (a Linux interface name).</summary>
    public required string Bridge { get; init; }

    /// <summary>&lt;mac address='52:54:00:..'/&gt;; empty until <see cref="Defaults.DomainDefaults"/> generates one.</summary>
    public string Mac { get; init; } = string.Empty;

    /// <summary>&lt;ip address='A.B.C.D' prefix='N'/&gt;: the guest's IPv4 address, or null for none.</summary>
    public string? Address { get; init; }

    /// <summary>The prefix length of <see cref="Address"/>.</summary>
    public int Prefix { get; init; } = 24;
}
