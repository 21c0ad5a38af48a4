using Virtlab.Engine.Qemu;

namespace Virtlab.Engine.Tests;

public sealed class QemuVersionTests
{
    [Fact]
    public void Given_debian_backports_version_output_then_it_parses_to_10_0_2() =>
        Assert.Equal(
            new QemuVersion(10, 0, 2, "Debian 1:10.0.2+ds-2+deb13u1~bpo12+1"),
            QemuVersion.Parse("QEMU emulator version 10.0.2 (Debian 1:10.0.2+ds-2+deb13u1~bpo12+1)\nCopyright (c) 2003-2025 Fabrice Bellard"));

    [Fact]
    public void Given_qemu_7_2_then_migration_under_tcg_and_vcpu_replug_are_known_defects()
    {
        var v = QemuVersion.Parse("QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)")!;

        var defects = QemuDefect.Known.Where(d => d.Affects(v)).Select(d => d.Operation).ToList();

        Assert.Contains("migrate-tcg", defects);
        Assert.Contains("vcpu-replug", defects);
    }

    [Fact]
    public void Given_qemu_10_0_then_no_known_defect_applies() =>
        Assert.DoesNotContain(QemuDefect.Known, d => d.Affects(new QemuVersion(10, 0, 2, string.Empty)));

    [Fact]
    public void Given_garbage_then_parse_returns_null() => Assert.Null(QemuVersion.Parse("not qemu"));

    [Fact]
    public void Given_qemu_10_cpu_help_output_then_model_names_are_listed()
    {
        const string help = "Available CPUs:\n  486                   (alias configured by machine type)\n  Nehalem-v1            Intel Core i7 9xx (Nehalem Class Core i7)\n  qemu64                QEMU Virtual CPU version 2.5+\n\nRecognized CPUID flags:\n  fpu vme\n";

        var models = QemuCpuModels.Parse(help);

        Assert.Equal(new[] { "486", "Nehalem-v1", "qemu64" }, models.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Given_older_cpu_help_output_then_model_names_are_listed()
    {
        const string help = "Available CPUs:\nx86 486                   (alias configured by machine type)\nx86 Nehalem-v1            Intel Core i7 9xx (Nehalem Class Core i7)\nx86 qemu64                QEMU Virtual CPU version 2.5+\n\nRecognized CPUID flags:\n  fpu vme\n";

        var models = QemuCpuModels.Parse(help);

        Assert.Equal(new[] { "486", "Nehalem-v1", "qemu64" }, models.Order(StringComparer.Ordinal));
    }
}
