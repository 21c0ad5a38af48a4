using Virtlab.Domain.Definitions;
using Virtlab.Domain.Xml;

namespace Virtlab.Domain.Tests.Xml;

public sealed partial class LibvirtDomainXmlTests
{
    [Fact]
    public void A_minimal_domain_gets_the_defaults_virsh_define_would_give()
    {
        var d = ParseValid("<domain type='qemu'><name>t1</name><memory unit='MiB'>256</memory></domain>");

        Assert.Equal("t1", d.Name);
        Assert.NotEqual(Guid.Empty, d.Uuid);
        Assert.Equal(262144, d.MemoryKiB);
        Assert.Equal(262144, d.CurrentMemoryKiB);
        Assert.Null(d.MaxMemoryKiB);
        Assert.Equal(1, d.Vcpus);
        Assert.Equal(1, d.MaxVcpus);
        Assert.Equal(AccelMode.Tcg, d.Accel);
        Assert.Equal(CpuMode.Default, d.Cpu.Mode);
        Assert.False(d.GuestAgent);
        Assert.Equal(new BalloonDefinition(), d.Balloon);
        Assert.Null(d.ConsoleLog);
        Assert.Null(d.Pmu);
    }

    [Fact]
    public void Type_kvm_is_KVM_and_type_qemu_is_TCG()
    {
        Assert.Equal(AccelMode.Kvm, ParseValid(Domain(type: "kvm")).Accel);
        Assert.Equal(AccelMode.Tcg, ParseValid(Domain(type: "qemu")).Accel);
    }

    [Theory]
    [InlineData("kvm")]
    [InlineData("qemu")]
    public void Virtlab_metadata_with_accel_auto_overrides_the_type(string type)
    {
        var d = ParseValid(Domain("""
            <metadata>
              <virtlab:domain xmlns:virtlab='https://virtlab.dev/xmlns/domain/1'>
                <virtlab:accel>auto</virtlab:accel>
              </virtlab:domain>
            </metadata>
            """, type));

        Assert.Equal(AccelMode.Auto, d.Accel);
    }

    [Fact]
    public void Any_prefix_bound_to_Virtlabs_namespace_works()
    {
        var d = ParseValid(Domain("""
            <metadata><v:domain xmlns:v='https://virtlab.dev/xmlns/domain/1'><v:image>/srv/images/debian</v:image></v:domain></metadata>
            """));

        Assert.Equal("/srv/images/debian", d.Os.Image);
    }

    [Fact]
    public void The_talks_host_passthrough_CPU_is_read()
    {
        var d = ParseValid(Domain("<cpu mode='host-passthrough'>\n</cpu>", type: "kvm"));

        Assert.Equal(new CpuDefinition { Mode = CpuMode.HostPassthrough }, d.Cpu);
    }

    [Theory]
    [InlineData("SandyBridge")]
    [InlineData("Nehalem")]
    public void The_talks_custom_CPUs_with_fallback_allow_are_read(string model)
    {
        var d = ParseValid(Domain($"""
            <cpu mode='custom' match='exact'>
              <model fallback='allow'>{model}</model>
            </cpu>
            """));

        Assert.Equal(new CpuDefinition { Mode = CpuMode.Custom, Model = model, Fallback = CpuFallback.Allow }, d.Cpu);
    }

    [Fact]
    public void CPU_features_keep_their_order_and_policies_and_default_to_require()
    {
        var d = ParseValid(Domain("""
            <cpu mode='custom' match='exact' check='partial'>
              <model fallback='forbid'>SandyBridge</model>
              <feature policy='disable' name='x2apic'/>
              <feature policy='force' name='avx'/>
              <feature policy='optional' name='pcid'/>
              <feature policy='forbid' name='rtm'/>
              <feature name='sse4.2'/>
            </cpu>
            """));

        Assert.Equal(CpuFallback.Forbid, d.Cpu.Fallback);
        Assert.Equal(
            [
                new CpuFeature("x2apic", CpuFeaturePolicy.Disable),
                new CpuFeature("avx", CpuFeaturePolicy.Force),
                new CpuFeature("pcid", CpuFeaturePolicy.Optional),
                new CpuFeature("rtm", CpuFeaturePolicy.Forbid),
                new CpuFeature("sse4.2", CpuFeaturePolicy.Require),
            ],
            d.Cpu.Features);
    }

    [Fact]
    public void A_host_model_CPU_from_virsh_dumpxml_is_read()
    {
        var d = ParseValid(Domain("<cpu mode='host-model' check='partial'><model fallback='forbid'/></cpu>", type: "kvm"));

        Assert.Equal(new CpuDefinition { Mode = CpuMode.HostModel, Fallback = CpuFallback.Forbid }, d.Cpu);
    }

    [Fact]
    public void A_host_passthrough_CPU_as_libvirt_prints_it_is_read()
    {
        var d = ParseValid(Domain("<cpu mode='host-passthrough' check='none' migratable='on'/>", type: "kvm"));

        Assert.Equal(CpuMode.HostPassthrough, d.Cpu.Mode);
    }

    [Fact]
    public void A_cpu_element_without_a_mode_is_custom_as_in_libvirt()
    {
        Assert.Equal(CpuMode.Custom, ParseValid(Domain("<cpu><model>qemu64</model></cpu>")).Cpu.Mode);
        Assert.Equal(CpuMode.Default, ParseValid(Domain("<cpu/>")).Cpu.Mode);
    }

    [Theory]
    [InlineData("<memory unit='KiB'>262144</memory>", 262144)]
    [InlineData("<memory>262144</memory>", 262144)]
    [InlineData("<memory unit='k'>262144</memory>", 262144)]
    [InlineData("<memory unit='M'>256</memory>", 262144)]
    [InlineData("<memory unit='GiB'>1</memory>", 1048576)]
    [InlineData("<memory unit='G'>1</memory>", 1048576)]
    [InlineData("<memory unit='bytes'>268435456</memory>", 262144)]
    [InlineData("<memory unit='b'>268435456</memory>", 262144)]
    [InlineData("<memory unit='KB'>262144</memory>", 256000)]
    public void Memory_is_read_in_any_of_libvirts_units(string memory, long expectedKiB)
    {
        Assert.Equal(expectedKiB, ParseValid(Domain(memory: memory)).MemoryKiB);
    }

    [Fact]
    public void Current_and_max_memory_and_slots_are_read()
    {
        var d = ParseValid(Domain("""
            <maxMemory slots='8' unit='GiB'>4</maxMemory>
            <currentMemory unit='MiB'>128</currentMemory>
            """));

        Assert.Equal(131072, d.CurrentMemoryKiB);
        Assert.Equal(4194304, d.MaxMemoryKiB);
        Assert.Equal(8, d.MemorySlots);
    }

    [Fact]
    public void Max_memory_without_slots_gets_16()
    {
        Assert.Equal(16, ParseValid(Domain("<maxMemory unit='GiB'>4</maxMemory>")).MemorySlots);
    }

    [Fact]
    public void Vcpu_text_is_the_maximum_and_current_the_count_at_start()
    {
        var d = ParseValid(Domain("<vcpu placement='static' current='1'>4</vcpu>"));

        Assert.Equal(1, d.Vcpus);
        Assert.Equal(4, d.MaxVcpus);
    }

    [Fact]
    public void Vcpu_without_current_starts_with_all()
    {
        var d = ParseValid(Domain("<vcpu>2</vcpu>"));

        Assert.Equal(2, d.Vcpus);
        Assert.Equal(2, d.MaxVcpus);
    }

    [Fact]
    public void Direct_kernel_boot_is_read_from_os()
    {
        var d = ParseValid(Domain("""
            <os>
              <type arch='x86_64' machine='pc'>hvm</type>
              <kernel>/boot/vmlinux</kernel>
              <initrd>/boot/initrd.img</initrd>
              <cmdline>console=ttyS0 loglevel=4</cmdline>
            </os>
            """));

        Assert.Equal(new OsDefinition { Kernel = "/boot/vmlinux", Initrd = "/boot/initrd.img", Cmdline = "console=ttyS0 loglevel=4" }, d.Os);
    }

    [Fact]
    public void Features_acpi_apic_and_pmu_are_read()
    {
        Assert.False(ParseValid(Domain("<features><acpi/><apic/><pmu state='off'/></features>")).Pmu);
        Assert.True(ParseValid(Domain("<features><pmu state='on'/></features>")).Pmu);
        Assert.Null(ParseValid(Domain("<features><acpi/></features>")).Pmu);
    }

    [Fact]
    public void Clock_utc_and_destroy_on_every_event_are_accepted()
    {
        ParseValid(Domain("""
            <clock offset='utc'/>
            <on_poweroff>destroy</on_poweroff>
            <on_reboot>destroy</on_reboot>
            <on_crash>destroy</on_crash>
            """));
    }

    [Fact]
    public void A_file_serial_port_is_the_console_log()
    {
        var d = ParseValid(Domain("""
            <devices>
              <serial type='file'>
                <source path='/var/log/t1.log' append='on'/>
                <target type='isa-serial' port='0'><model name='isa-serial'/></target>
              </serial>
              <console type='file'>
                <source path='/var/log/t1.log' append='on'/>
                <target type='serial' port='0'/>
              </console>
            </devices>
            """));

        Assert.Equal("/var/log/t1.log", d.ConsoleLog);
    }

    [Fact]
    public void A_file_console_alone_is_the_console_log()
    {
        var d = ParseValid(Domain("<devices><console type='file'><source path='/tmp/c.log'/></console></devices>"));

        Assert.Equal("/tmp/c.log", d.ConsoleLog);
    }

    [Fact]
    public void A_pty_serial_port_means_Virtlabs_default_console_log()
    {
        var d = ParseValid(Domain("""
            <devices>
              <serial type='pty'><target port='0'/></serial>
              <console type='pty'><target type='serial' port='0'/></console>
            </devices>
            """));

        Assert.Null(d.ConsoleLog);
    }

    [Fact]
    public void The_talks_guest_agent_channel_without_a_socket_path_is_read()
    {
        var d = ParseValid(Domain("""
            <devices>
              <channel type='unix'>
                <source mode='bind'/>
                <target type='virtio' name='org.qemu.guest_agent.0'/>
                <address type='virtio-serial' controller='0' bus='0' port='1'/>
              </channel>
            </devices>
            """));

        Assert.True(d.GuestAgent);
    }

    [Fact]
    public void No_channel_means_no_guest_agent()
    {
        Assert.False(ParseValid(Domain("<devices/>")).GuestAgent);
    }

    [Fact]
    public void A_virtio_balloon_with_statistics_and_autodeflate_is_read()
    {
        var d = ParseValid(Domain("""
            <devices>
              <memballoon model='virtio' autodeflate='on'>
                <stats period='10'/>
              </memballoon>
            </devices>
            """));

        Assert.Equal(new BalloonDefinition { StatsPeriodSeconds = 10, DeflateOnOom = true }, d.Balloon);
    }

    [Fact]
    public void A_virtio_balloon_without_stats_has_statistics_off()
    {
        Assert.Equal(new BalloonDefinition { StatsPeriodSeconds = 0 }, ParseValid(Domain("<devices><memballoon model='virtio'/></devices>")).Balloon);
    }

    [Fact]
    public void Deflate_on_oom_may_also_be_given_as_a_driver_attribute()
    {
        var d = ParseValid(Domain("<devices><memballoon model='virtio'><driver deflate_on_oom='on'/></memballoon></devices>"));

        Assert.True(d.Balloon?.DeflateOnOom);
    }

    [Fact]
    public void Memballoon_model_none_means_no_balloon()
    {
        Assert.Null(ParseValid(Domain("<devices><memballoon model='none'/></devices>")).Balloon);
    }

    [Fact]
    public void A_bridge_interface_is_the_guests_NIC_on_the_lab_network()
    {
        var d = ParseValid(Domain("""
            <devices>
              <interface type='bridge'>
                <mac address='52:54:00:12:34:56'/>
                <source bridge='vlab0'/>
                <model type='virtio'/>
                <ip address='10.77.0.100' prefix='24'/>
              </interface>
            </devices>
            """));

        Assert.Equal(new InterfaceDefinition { Bridge = "vlab0", Mac = "52:54:00:12:34:56", Address = "10.77.0.100", Prefix = 24 }, d.Interface);
    }

    [Fact]
    public void An_interface_as_libvirt_prints_it_with_family_ipv4_is_read()
    {
        var d = ParseValid(Domain("""
            <devices>
              <interface type='bridge'>
                <mac address='52:54:00:ab:cd:ef'/>
                <source bridge='br-lab.10'/>
                <ip address='192.168.7.9' family='ipv4' prefix='28'/>
                <model type='virtio'/>
              </interface>
            </devices>
            """));

        Assert.Equal(new InterfaceDefinition { Bridge = "br-lab.10", Mac = "52:54:00:ab:cd:ef", Address = "192.168.7.9", Prefix = 28 }, d.Interface);
    }

    [Fact]
    public void An_interface_without_mac_model_or_ip_gets_a_random_MAC_virtio_and_no_address()
    {
        var nic = ParseValid(Domain("<devices><interface type='bridge'><source bridge='vlab0'/></interface></devices>")).Interface;

        Assert.NotNull(nic);
        Assert.Equal("vlab0", nic.Bridge);
        Assert.Matches("^52:54:00(:[0-9a-f]{2}){3}$", nic.Mac);
        Assert.Null(nic.Address);
        Assert.Equal(24, nic.Prefix);
    }

    [Fact]
    public void An_ip_without_a_prefix_is_a_24()
    {
        var nic = ParseValid(Domain("<devices><interface type='bridge'><source bridge='vlab0'/><ip address='10.77.0.100'/></interface></devices>")).Interface;

        Assert.Equal(("10.77.0.100", 24), (nic?.Address, nic?.Prefix ?? 0));
    }

    [Fact]
    public void An_upper_case_MAC_is_stored_in_lower_case_as_libvirt_does()
    {
        var nic = ParseValid(Domain("<devices><interface type='bridge'><mac address='52:54:00:AB:CD:EF'/><source bridge='vlab0'/></interface></devices>")).Interface;

        Assert.Equal("52:54:00:ab:cd:ef", nic?.Mac);
    }

    [Fact]
    public void No_interface_means_no_network()
    {
        Assert.Null(ParseValid(Domain("<devices/>")).Interface);
    }

    [Fact]
    public void Comments_and_an_XML_declaration_are_fine()
    {
        ParseValid("<?xml version='1.0' encoding='UTF-8'?>\n<!-- made by hand -->\n" + Domain("<!-- no devices -->"));
    }

    [Fact]
    public void Text_is_taken_exactly_so_spaces_in_the_command_line_are_kept()
    {
        Assert.Equal("  quiet  ", ParseValid(Domain("<os><cmdline>  quiet  </cmdline></os>")).Os.Cmdline);
    }
}
