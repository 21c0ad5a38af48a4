namespace Virtlab.Domain.Xml;

/// <summary>Why Virtlab does not take a libvirt element or attribute, and what to do instead.</summary>
internal static class UnsupportedHints
{
    public const string ForeignNamespace = " (Virtlab reads only libvirt's own elements and its virtlab: metadata)";

    private const string NoDisplay = "Virtlab guests have no display, keyboard or sound: use the serial console";
    private const string LiveState = "it is live state from virsh dumpxml";
    private const string NoTuning = "Virtlab does not tune or pin host resources";

    private static readonly Dictionary<string, string> Elements = new(StringComparer.Ordinal)
    {
        ["disk"] = "Virtlab guests boot a kernel and initramfs (<os><kernel>, <initrd>) and have no disks",
        ["filesystem"] = "Virtlab guests boot a kernel and initramfs and share no host directories",
        ["graphics"] = NoDisplay,
        ["video"] = NoDisplay,
        ["input"] = NoDisplay,
        ["sound"] = NoDisplay,
        ["audio"] = NoDisplay,
        ["controller"] = "Virtlab adds the controllers it needs (virtio-serial for the agent) itself",
        ["emulator"] = "Virtlab runs the qemu-system-x86_64 its daemon is set up with",
        ["address"] = "Virtlab and QEMU choose device addresses",
        ["alias"] = LiveState,
        ["boot"] = "Virtlab boots the kernel in <os><kernel> directly",
        ["loader"] = "Virtlab boots with SeaBIOS and the kernel in <os><kernel>",
        ["nvram"] = "Virtlab boots with SeaBIOS and the kernel in <os><kernel>",
        ["bootmenu"] = "Virtlab boots the kernel in <os><kernel> directly",
        ["smbios"] = "Virtlab gives guests QEMU's default SMBIOS tables",
        ["topology"] = "Virtlab gives QEMU no CPU topology and QEMU picks its own",
        ["vendor"] = "the model decides the vendor",
        ["timer"] = "Virtlab leaves QEMU's timers at their defaults",
        ["title"] = "Virtlab keeps no free-text notes",
        ["description"] = "Virtlab keeps no free-text notes",
        ["seclabel"] = "Virtlab does not manage security labels",
        ["memoryBacking"] = NoTuning,
        ["memtune"] = NoTuning,
        ["numatune"] = NoTuning,
        ["cputune"] = NoTuning,
        ["blkiotune"] = NoTuning,
        ["iothreads"] = NoTuning,
        ["resource"] = NoTuning,
        ["pm"] = "Virtlab guests have no S3/S4 suspend",
        ["on_lockfailure"] = "Virtlab has no disk locks",
        ["log"] = "the serial source path is the log",
        ["commandline"] = "Virtlab does not pass raw QEMU options",
        ["memory"] = "Virtlab hot-plugs memory itself within <maxMemory>",
        ["route"] = "Virtlab's image configures only the guest's address on the lab network",
        ["bandwidth"] = NoTuning,
    };

    private static readonly Dictionary<string, string> Attributes = new(StringComparer.Ordinal)
    {
        ["id"] = LiveState,
        ["state"] = LiveState,
        ["cpuset"] = "Virtlab does not pin vCPUs",
        ["dumpCore"] = "Virtlab keeps QEMU's default",
        ["firmware"] = "Virtlab boots with SeaBIOS and the kernel in <os><kernel>",
        ["vendor_id"] = "the model decides the vendor",
        ["freePageReporting"] = "Virtlab keeps QEMU's default",
    };

    /// <summary>" (why)" for a known element, else "".</summary>
    public static string ForElement(string name) => Elements.TryGetValue(name, out var hint) ? $" ({hint})" : "";

    public static string ForAttribute(string name) => Attributes.TryGetValue(name, out var hint) ? $" ({hint})" : "";
}
