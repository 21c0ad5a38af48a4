using Virtlab.Domain.Definitions;
using Virtlab.Engine;
using Virtlab.Engine.Accel;
using Virtlab.Engine.Images;
using Virtlab.Engine.Qemu;

namespace Virtlab.Engine.Tests;

/// <summary>The QEMU argv, pinned by golden files (set UPDATE_GOLDEN=1 to rewrite them after a deliberate change).</summary>
public sealed class QemuCommandLineTests
{
    private static readonly Accelerator Tcg = new("tcg", "auto: fell back to TCG");
    private static readonly GuestImage Image = new("/img", "6.1.0-56-amd64");
    private static readonly VmRunPaths Run = new("/run/vl/t1");

    private static DomainDefinition Basic => new()
    {
        Name = "t1",
        Uuid = Guid.Parse("f8023c16-22b1-4163-a7b5-df2452241fed"),
        MemoryKiB = 262144,
        CurrentMemoryKiB = 262144,
        Vcpus = 1,
        MaxVcpus = 4,
    };

    [Fact]
    public void Given_the_default_image_when_built_then_the_argv_matches_the_golden_file() =>
        AssertGolden("default-image", QemuCommandLine.Build("/usr/bin/qemu-system-x86_64", Basic, Tcg, Image, Run));

    [Fact]
    public void Given_a_custom_cpu_with_features_and_pmu_then_the_argv_matches_the_golden_file()
    {
        var def = Basic with
        {
            Cpu = new CpuDefinition
            {
                Mode = CpuMode.Custom,
                Model = "SandyBridge",
                Features = [new("x2apic", CpuFeaturePolicy.Disable), new("tsc-deadline", CpuFeaturePolicy.Forbid), new("pcid", CpuFeaturePolicy.Require), new("avx2", CpuFeaturePolicy.Optional)],
            },
            Pmu = false,
            MaxMemoryKiB = 1048576,
            Balloon = new BalloonDefinition { DeflateOnOom = true },
        };
        AssertGolden("custom-cpu", QemuCommandLine.Build("/usr/bin/qemu-system-x86_64", def, Tcg, Image, Run));
    }

    [Fact]
    public void Given_a_path_with_a_comma_when_built_then_qemu_option_values_double_it()
    {
        var argv = QemuCommandLine.Build("/usr/bin/qemu-system-x86_64", Basic, Tcg, Image, new VmRunPaths("/tmp/a,b"));

        Assert.Contains("socket,id=monitor,path=/tmp/a,,b/qmp.sock,server=on,wait=off", argv);
        Assert.Contains("file,id=serial0,path=/tmp/a,,b/console.log,append=on", argv);
    }

    [Fact]
    public void Given_an_own_kernel_when_built_then_the_default_cmdline_is_not_added()
    {
        var def = Basic with { Os = new OsDefinition { Kernel = "/k/vmlinuz", Initrd = "/k/initrd", Cmdline = "console=ttyS0 quiet" } };

        var argv = QemuCommandLine.Build("/usr/bin/qemu-system-x86_64", def, Tcg, null, Run);

        Assert.Equal("/k/vmlinuz", argv[argv.ToList().IndexOf("-kernel") + 1]);
        Assert.Equal("console=ttyS0 quiet", argv[argv.ToList().IndexOf("-append") + 1]);
    }

    [Fact]
    public void Given_host_passthrough_under_tcg_then_building_fails_and_names_the_tcg_alternative()
    {
        var def = Basic with { Cpu = new CpuDefinition { Mode = CpuMode.HostPassthrough } };

        var e = Assert.Throws<VirtlabException>(() => QemuCommandLine.Build("/q", def, Tcg, Image, Run));

        Assert.Equal(ErrorKind.Unsupported, e.Kind);
        Assert.Contains("--cpu max", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_user_cmdline_with_the_default_image_then_it_is_appended_to_virtlabs_own() =>
        Assert.Equal(
            "console=ttyS0 loglevel=4 cryptomgr.notests initcall_blacklist=init_kprobe_trace no_timer_check virtlab.name=t1 virtlab.agent=off",
            QemuCommandLine.Build("/q", Basic with { Os = new OsDefinition { Cmdline = "virtlab.agent=off" } }, Tcg, Image, Run)
                .SkipWhile(a => a != "-append").ElementAt(1));

    [Fact]
    public void Given_hot_plugged_vcpus_and_dimms_of_a_migration_source_then_the_destination_argv_matches_the_golden_file()
    {
        var devices = new Virtlab.Api.LiveDevices(
            [new("vcpu1", "qemu64-x86_64-cpu", 0, null, null, 1, 0), new("vcpu2", "qemu64-x86_64-cpu", 0, null, null, 2, 0)],
            [new("dimm0", 268435456, 4294967296, 0)]);

        AssertGolden("live-devices", QemuCommandLine.LiveDeviceArguments(devices));
    }

    [Fact]
    public void Given_no_hot_plugged_devices_then_the_destination_gets_no_extra_options() =>
        Assert.Empty(QemuCommandLine.LiveDeviceArguments(Virtlab.Api.LiveDevices.None));

    private static void AssertGolden(string name, IReadOnlyList<string> argv)
    {
        var path = Path.Combine(GoldenDir(), name + ".argv");
        var actual = string.Join('\n', argv) + "\n";
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
        }

        Assert.True(File.Exists(path), $"golden file {path} is missing: run with UPDATE_GOLDEN=1 once");
        Assert.Equal(File.ReadAllText(path), actual);
    }

    private static string GoldenDir([System.Runtime.CompilerServices.CallerFilePath] string file = "") =>
        Path.Combine(Path.GetDirectoryName(file)!, "Golden");
}
