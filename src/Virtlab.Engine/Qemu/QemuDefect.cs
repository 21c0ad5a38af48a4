namespace Virtlab.Engine.Qemu;

/// <summary>
/// A QEMU defect measured on these machines that makes an operation unsafe. Virtlab refuses
/// the operation on an affected QEMU, with a message that says how to get a good version.
/// </summary>
public sealed record QemuDefect(string Operation, string Summary, QemuVersion FixedIn)
{
    public const string InstallHint =
        "install QEMU 10.0 from Debian's bookworm-backports suite (scripts/install-deps.sh does it: " +
        "apt-get install -t bookworm-backports qemu-system-x86)";

    /// <summary>Defects by operation; each applies to versions older than FixedIn.</summary>
    public static readonly IReadOnlyList<QemuDefect> Known =
    [
        new("migrate-tcg",
            "live migration under TCG corrupts busy multi-vCPU guests (dirty-bitmap/TLB race; 12 of 32 migrations broke the guest on 7.2, fixed upstream in 9.0)",
            new QemuVersion(9, 0, 0, string.Empty)),
        new("vcpu-replug",
            "plugging a vCPU after any vCPU unplug crashes QEMU under TCG (SIGSEGV/SIGABRT measured on 7.2; 10.0 survives)",
            new QemuVersion(9, 0, 0, string.Empty)),
    ];

    /// <summary>The oldest QEMU Virtlab starts guests with at all.</summary>
    public static readonly QemuVersion MinimumForStart = new(7, 2, 0, string.Empty);

    public bool Affects(QemuVersion version) => version.CompareTo(FixedIn) < 0;
}
