using Virtlab.Domain.Definitions;
using Virtlab.Domain.Validation;

namespace Virtlab.Domain.Tests.Validation;

public sealed class DomainValidatorTests
{
    private static readonly DomainDefinition Valid = new()
    {
        Name = "t1",
        Uuid = Guid.Parse("f8023c16-22b1-4163-a7b5-df2452241fed"),
        MemoryKiB = 262144,
        CurrentMemoryKiB = 262144,
        Vcpus = 1,
        MaxVcpus = 4,
    };

    private static ValidationError Single(DomainDefinition definition) =>
        Assert.Single(DomainValidator.Validate(definition));

    [Fact]
    public void A_complete_definition_has_no_errors()
    {
        Assert.Empty(DomainValidator.Validate(Valid));
    }

    [Fact]
    public void A_full_definition_using_every_field_has_no_errors()
    {
        var definition = Valid with
        {
            MaxMemoryKiB = 1048576,
            MemorySlots = 16,
            Cpu = new CpuDefinition
            {
                Mode = CpuMode.Custom,
                Model = "SandyBridge",
                Fallback = CpuFallback.Forbid,
                Features = [new("x2apic", CpuFeaturePolicy.Disable), new("avx", CpuFeaturePolicy.Require)],
            },
            Os = new OsDefinition { Kernel = "/boot/vmlinux", Initrd = "/boot/initrd.img", Cmdline = "console=ttyS0" },
            Accel = AccelMode.Tcg,
            Pmu = false,
            ConsoleLog = "/var/log/virtlab/t1.log",
            Balloon = new BalloonDefinition { StatsPeriodSeconds = 5, DeflateOnOom = true },
            Interface = new InterfaceDefinition { Bridge = "vlab0", Mac = "52:54:00:12:34:56", Address = "10.77.0.100", Prefix = 24 },
        };

        Assert.Empty(DomainValidator.Validate(definition));
    }

    [Fact]
    public void Every_problem_is_listed_not_just_the_first()
    {
        var errors = DomainValidator.Validate(Valid with { Name = "a/b", Vcpus = 0, MemoryKiB = 1024 });

        Assert.Equal(["name", "vcpus", "memoryKiB"], errors.Select(e => e.Path).Take(3));
    }

    [Fact]
    public void A_bad_name_is_reported_at_name()
    {
        var error = Single(Valid with { Name = "my vm" });

        Assert.Equal("name", error.Path);
        Assert.Contains("a space", error.Message);
    }

    [Fact]
    public void An_all_zero_uuid_is_rejected()
    {
        var error = Single(Valid with { Uuid = Guid.Empty });

        Assert.Equal("uuid", error.Path);
        Assert.Contains("leave it out to get a random one", error.Message);
    }

    [Fact]
    public void More_vcpus_than_maxvcpus_is_rejected_with_both_numbers()
    {
        var error = Single(Valid with { Vcpus = 5, MaxVcpus = 4 });

        Assert.Equal(new ValidationError(
            "vcpus",
            "5 vCPUs at start is more than the maximum of 4: raise the maximum to 5 or start with fewer"), error);
    }

    [Fact]
    public void Zero_vcpus_is_rejected()
    {
        Assert.Equal("vcpus", Single(Valid with { Vcpus = 0 }).Path);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(256)]
    [InlineData(-1)]
    public void Maxvcpus_outside_1_to_255_is_rejected(int maxVcpus)
    {
        var errors = DomainValidator.Validate(Valid with { MaxVcpus = maxVcpus, Vcpus = 1 });

        var error = Assert.Single(errors, e => e.Path == "maxVcpus");
        Assert.Contains("use 1 to 255", error.Message);
    }

    [Fact]
    public void Maxvcpus_of_255_is_the_largest_accepted()
    {
        Assert.Empty(DomainValidator.Validate(Valid with { Vcpus = 255, MaxVcpus = 255 }));
    }

    [Fact]
    public void Memory_below_64_MiB_is_rejected()
    {
        var errors = DomainValidator.Validate(Valid with { MemoryKiB = 32768, CurrentMemoryKiB = 32768 });

        Assert.Contains(new ValidationError("memoryKiB", "32 MiB is too little: a guest needs at least 64 MiB"), errors);
    }

    [Fact]
    public void Memory_of_exactly_64_MiB_is_accepted()
    {
        Assert.Empty(DomainValidator.Validate(Valid with { MemoryKiB = 65536, CurrentMemoryKiB = 65536 }));
    }

    [Fact]
    public void Memory_that_is_not_whole_MiB_is_rejected_with_the_size_to_use()
    {
        var error = Single(Valid with { MemoryKiB = 262145, CurrentMemoryKiB = 262144 });

        Assert.Equal("memoryKiB", error.Path);
        Assert.Contains("round it up to 263168 KiB (257 MiB)", error.Message);
    }

    [Fact]
    public void Current_memory_above_memory_is_rejected()
    {
        var error = Single(Valid with { CurrentMemoryKiB = 524288 });

        Assert.Equal(new ValidationError(
            "currentMemoryKiB",
            "512 MiB is more than memory (256 MiB): the balloon can only take memory away; lower currentMemory or raise memory"), error);
    }

    [Fact]
    public void Current_memory_below_the_balloon_floor_is_rejected()
    {
        var error = Single(Valid with { CurrentMemoryKiB = 49152 });

        Assert.Equal("currentMemoryKiB", error.Path);
        Assert.Contains("use at least 64 MiB", error.Message);
    }

    [Fact]
    public void A_missing_current_memory_asks_for_defaults()
    {
        var error = Single(Valid with { CurrentMemoryKiB = 0 });

        Assert.Equal("currentMemoryKiB", error.Path);
    }

    [Fact]
    public void Max_memory_below_memory_is_rejected()
    {
        var error = Single(Valid with { MaxMemoryKiB = 131072, MemorySlots = 16 });

        Assert.Equal("maxMemoryKiB", error.Path);
        Assert.StartsWith("maxMemory (128 MiB) is less than memory (256 MiB)", error.Message);
    }

    [Fact]
    public void Max_memory_equal_to_memory_is_accepted()
    {
        Assert.Empty(DomainValidator.Validate(Valid with { MaxMemoryKiB = 262144, MemorySlots = 1 }));
    }

    [Fact]
    public void Max_memory_that_is_not_whole_MiB_is_rejected_with_the_size_to_use()
    {
        var error = Single(Valid with { MaxMemoryKiB = 1048577, MemorySlots = 16 });

        Assert.Equal("maxMemoryKiB", error.Path);
        Assert.Contains("round it up to 1049600 KiB (1025 MiB)", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(257)]
    public void Max_memory_needs_1_to_256_slots(int slots)
    {
        var error = Single(Valid with { MaxMemoryKiB = 1048576, MemorySlots = slots });

        Assert.Equal("memorySlots", error.Path);
        Assert.Contains("1 to 256 slots", error.Message);
    }

    [Fact]
    public void Slots_without_max_memory_are_rejected()
    {
        Assert.Equal("memorySlots", Single(Valid with { MemorySlots = 4 }).Path);
    }

    [Fact]
    public void Custom_mode_needs_a_model()
    {
        var error = Single(Valid with { Cpu = new CpuDefinition { Mode = CpuMode.Custom } });

        Assert.Equal(new ValidationError("cpu.model", "custom mode needs a model, e.g. Nehalem, SandyBridge or qemu64"), error);
    }

    [Theory]
    [InlineData(CpuMode.HostPassthrough)]
    [InlineData(CpuMode.HostModel)]
    [InlineData(CpuMode.Default)]
    public void Modes_other_than_custom_take_no_model(CpuMode mode)
    {
        var error = Single(Valid with { Cpu = new CpuDefinition { Mode = mode, Model = "Nehalem" } });

        Assert.Equal("cpu.model", error.Path);
        Assert.Contains("takes no model ('Nehalem')", error.Message);
    }

    [Fact]
    public void A_model_name_with_a_comma_is_rejected()
    {
        var error = Single(Valid with { Cpu = new CpuDefinition { Mode = CpuMode.Custom, Model = "Nehalem,+avx" } });

        Assert.Equal("cpu.model", error.Path);
    }

    [Fact]
    public void A_bad_feature_name_is_reported_at_its_index()
    {
        var cpu = new CpuDefinition
        {
            Mode = CpuMode.Custom,
            Model = "Nehalem",
            Features = [new("avx", CpuFeaturePolicy.Require), new("Bad Name", CpuFeaturePolicy.Require)],
        };

        var error = Single(Valid with { Cpu = cpu });

        Assert.Equal("cpu.features[1].name", error.Path);
    }

    [Fact]
    public void A_feature_listed_twice_is_reported_at_the_second_with_the_first()
    {
        var cpu = new CpuDefinition
        {
            Mode = CpuMode.Custom,
            Model = "Nehalem",
            Features =
            [
                new("avx", CpuFeaturePolicy.Require),
                new("vmx", CpuFeaturePolicy.Disable),
                new("avx", CpuFeaturePolicy.Disable),
            ],
        };

        var error = Single(Valid with { Cpu = cpu });

        Assert.Equal(new ValidationError(
            "cpu.features[2]",
            "'avx' is already listed as feature 1: list each feature once, with one policy"), error);
    }

    [Fact]
    public void Features_without_a_mode_are_rejected()
    {
        var cpu = new CpuDefinition { Features = [new("avx", CpuFeaturePolicy.Require)] };

        Assert.Equal("cpu.features", Single(Valid with { Cpu = cpu }).Path);
    }

    [Fact]
    public void Fallback_forbid_on_host_passthrough_is_rejected()
    {
        var cpu = new CpuDefinition { Mode = CpuMode.HostPassthrough, Fallback = CpuFallback.Forbid };

        Assert.Equal("cpu.fallback", Single(Valid with { Cpu = cpu }).Path);
    }

    [Fact]
    public void Host_passthrough_under_TCG_is_rejected_because_QEMU_refuses_it()
    {
        var error = Single(Valid with { Accel = AccelMode.Tcg, Cpu = new CpuDefinition { Mode = CpuMode.HostPassthrough } });

        Assert.Equal("cpu.mode", error.Path);
        Assert.Contains("needs KVM", error.Message);
    }

    [Theory]
    [InlineData(AccelMode.Auto)]
    [InlineData(AccelMode.Kvm)]
    public void Host_passthrough_with_KVM_or_auto_is_left_to_the_engine(AccelMode accel)
    {
        Assert.Empty(DomainValidator.Validate(Valid with { Accel = accel, Cpu = new CpuDefinition { Mode = CpuMode.HostPassthrough } }));
    }

    [Fact]
    public void A_kernel_without_an_initrd_is_fine()
    {
        Assert.Empty(DomainValidator.Validate(Valid with { Os = new OsDefinition { Kernel = "/boot/vmlinux" } }));
    }

    [Fact]
    public void An_initrd_without_a_kernel_is_rejected()
    {
        var error = Single(Valid with { Os = new OsDefinition { Initrd = "/boot/initrd.img" } });

        Assert.Equal("os.initrd", error.Path);
        Assert.StartsWith("an initrd needs a kernel", error.Message);
    }

    [Fact]
    public void A_command_line_alone_applies_to_the_default_image()
    {
        Assert.Empty(DomainValidator.Validate(Valid with { Os = new OsDefinition { Cmdline = "quiet" } }));
    }

    [Fact]
    public void An_image_directory_and_a_kernel_together_are_rejected()
    {
        var errors = DomainValidator.Validate(Valid with { Os = new OsDefinition { Image = "/srv/img", Kernel = "/boot/vmlinux" } });

        Assert.Equal("os.image", Assert.Single(errors).Path);
    }

    [Theory]
    [InlineData("vmlinux")]
    [InlineData("./vmlinux")]
    [InlineData("")]
    public void A_relative_kernel_path_is_rejected(string kernel)
    {
        var error = Single(Valid with { Os = new OsDefinition { Kernel = kernel } });

        Assert.Equal("os.kernel", error.Path);
        Assert.Contains("absolute path", error.Message);
    }

    [Fact]
    public void A_path_with_a_control_character_is_rejected()
    {
        var error = Single(Valid with { ConsoleLog = "/tmp/a\nb.log" });

        Assert.Equal("consoleLog", error.Path);
        Assert.Contains("U+000A", error.Message);
    }

    [Fact]
    public void A_kernel_command_line_longer_than_x86_Linux_takes_is_rejected()
    {
        Assert.Empty(DomainValidator.Validate(Valid with { Os = new OsDefinition { Cmdline = new string('a', 2047) } }));

        var error = Single(Valid with { Os = new OsDefinition { Cmdline = new string('a', 2048) } });

        Assert.Equal("os.cmdline", error.Path);
        Assert.Contains("2048 bytes", error.Message);
    }

    [Fact]
    public void A_negative_balloon_statistics_period_is_rejected()
    {
        var error = Single(Valid with { Balloon = new BalloonDefinition { StatsPeriodSeconds = -1 } });

        Assert.Equal("balloon.statsPeriodSeconds", error.Path);
    }

    private static readonly InterfaceDefinition Nic = new() { Bridge = "vlab0", Mac = "52:54:00:12:34:56", Address = "10.77.0.100" };

    [Theory]
    [InlineData("vlab0")]
    [InlineData("br-lab.10")]
    [InlineData("_x")]
    [InlineData("a")]
    [InlineData("virbr0-nic_1234")]
    public void A_bridge_interface_with_a_Linux_interface_name_is_valid(string bridge)
    {
        Assert.Empty(DomainValidator.Validate(Valid with { Interface = Nic with { Bridge = bridge } }));
    }

    [Theory]
    [InlineData("", "the bridge name is missing")]
    [InlineData("br 0", "has a space at position 3")]
    [InlineData("br/0", "has '/' at position 3")]
    [InlineData("br,0", "QEMU's option syntax")]
    [InlineData("br:0", "has ':' at position 3")]
    [InlineData("brü", "(U+00FC)")]
    [InlineData("br	0", "U+0009")]
    [InlineData(".", "is not an interface name")]
    [InlineData("..", "is not an interface name")]
    [InlineData("virbr0-nic_123456", "is 17 characters long: Linux interface names have at most 15")]
    public void A_bridge_name_Linux_would_refuse_is_rejected(string bridge, string message)
    {
        var error = Single(Valid with { Interface = Nic with { Bridge = bridge } });

        Assert.Equal("interface.bridge", error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("52:54:00:12:34:56")]
    [InlineData("02:00:00:00:00:01")]
    [InlineData("00:16:3e:0f:ef:8a")]
    public void A_unicast_MAC_is_valid(string mac)
    {
        Assert.Empty(DomainValidator.Validate(Valid with { Interface = Nic with { Mac = mac } }));
    }

    [Theory]
    [InlineData("", "the MAC address is missing: leave it out to get a random one")]
    [InlineData("52:54:00:12:34", "is not a MAC address: write six hex pairs")]
    [InlineData("52-54-00-12-34-56", "is not a MAC address")]
    [InlineData("52:54:00:12:34:5g", "is not a MAC address")]
    [InlineData("525400123456", "is not a MAC address")]
    [InlineData("52:54:00:12:34:5", "is not a MAC address")]
    [InlineData("53:54:00:12:34:56", "is a multicast address (the first octet is odd): a NIC needs a unicast MAC")]
    [InlineData("ff:ff:ff:ff:ff:ff", "is a multicast address")]
    [InlineData("00:00:00:00:00:00", "leave the MAC out to get a random one")]
    public void A_MAC_that_is_not_a_NICs_is_rejected(string mac, string message)
    {
        var error = Single(Valid with { Interface = Nic with { Mac = mac } });

        Assert.Equal("interface.mac", error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.77.0.100", 24)]
    [InlineData("192.168.1.1", 32)]
    [InlineData("10.0.0.1", 8)]
    [InlineData("10.77.0.255", 16)]
    [InlineData("10.0.0.0", 31)]
    public void A_host_address_on_its_network_is_valid(string address, int prefix)
    {
        Assert.Empty(DomainValidator.Validate(Valid with { Interface = Nic with { Address = address, Prefix = prefix } }));
    }

    [Theory]
    [InlineData("", "the address is empty")]
    [InlineData("10.77.0", "is not an IPv4 address: write a dotted IPv4 address")]
    [InlineData("10.77.0.100.1", "is not an IPv4 address")]
    [InlineData("10.1", "is not an IPv4 address")]
    [InlineData("0x0a.0.0.1", "is not an IPv4 address")]
    [InlineData("fe80::1", "is not an IPv4 address")]
    [InlineData(" 10.77.0.100", "is not an IPv4 address")]
    [InlineData("10.77.0.100/24", "is not an IPv4 address")]
    [InlineData("10.77.0.256", "(each part is 0 to 255)")]
    [InlineData("010.77.0.1", "has a leading zero, which many tools read as octal: write the parts without leading zeros (10.77.0.1)")]
    [InlineData("10.77.00.1", "(10.77.0.1)")]
    [InlineData("0.0.0.0", "the unspecified address")]
    [InlineData("255.255.255.255", "the broadcast address, not a guest's")]
    [InlineData("127.0.0.1", "a loopback address")]
    [InlineData("224.0.0.1", "a multicast address")]
    [InlineData("239.255.255.250", "a multicast address")]
    [InlineData("10.77.0.0", "is the address of the network 10.77.0.0/24 itself")]
    [InlineData("10.77.0.255", "is the broadcast address of 10.77.0.0/24")]
    public void An_address_a_guest_cannot_have_is_rejected(string address, string message)
    {
        var error = Single(Valid with { Interface = Nic with { Address = address } });

        Assert.Equal("interface.address", error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(33)]
    [InlineData(-1)]
    public void A_prefix_length_outside_1_to_32_is_rejected(int prefix)
    {
        var error = Single(Valid with { Interface = Nic with { Prefix = prefix } });

        Assert.Equal("interface.prefix", error.Path);
        Assert.Contains("use 1 to 32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_prefix_length_without_an_address_is_rejected_and_the_default_is_fine()
    {
        Assert.Empty(DomainValidator.Validate(Valid with { Interface = Nic with { Address = null } }));

        var error = Single(Valid with { Interface = Nic with { Address = null, Prefix = 16 } });

        Assert.Equal("interface.prefix", error.Path);
        Assert.Contains("without an address: give the address too, or leave the prefix out", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_interface_problem_is_listed()
    {
        var errors = DomainValidator.Validate(Valid with { Interface = new InterfaceDefinition { Bridge = "", Mac = "x", Address = "y", Prefix = 40 } });

        Assert.Equal(["interface.bridge", "interface.mac", "interface.prefix", "interface.address"], errors.Select(e => e.Path));
    }

    [Fact]
    public void ThrowIfInvalid_throws_with_every_error()
    {
        var e = Assert.Throws<DomainValidationException>(() =>
            DomainValidator.ThrowIfInvalid(Valid with { Name = "", Vcpus = 9 }));

        Assert.Equal(["name", "vcpus"], e.Errors.Select(x => x.Path));

        DomainValidator.ThrowIfInvalid(Valid);
    }
}
