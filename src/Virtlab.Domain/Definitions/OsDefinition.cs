namespace Virtlab.Domain.Definitions;

/// <summary>
/// libvirt's &lt;os&gt; direct kernel boot. All null means "the default guest image"
/// (Virtlab's own Debian kernel and initramfs).
/// </summary>
public sealed record OsDefinition
{
    public string? Kernel { get; init; }
    public string? Initrd { get; init; }
    public string? Cmdline { get; init; }

    /// <summary>An image directory (vmlinux, vmlinuz, initrd.img) instead of the default image.</summary>
    public string? Image { get; init; }
}
