using Virtlab.Domain.Definitions;
using Virtlab.Domain.Xml;

namespace Virtlab.Domain.Tests.Xml;

public sealed partial class LibvirtDomainXmlTests
{
    private static readonly DomainDefinition Knoel1 = new()
    {
        Name = "knoel1",
        Uuid = Guid.Parse(Uuid),
        MemoryKiB = 1048576,
        CurrentMemoryKiB = 524288,
        MaxMemoryKiB = 4194304,
        MemorySlots = 16,
        Vcpus = 1,
        MaxVcpus = 4,
        Cpu = new CpuDefinition
        {
            Mode = CpuMode.Custom,
            Model = "SandyBridge",
            Features = [new("x2apic", CpuFeaturePolicy.Disable), new("tsc-deadline", CpuFeaturePolicy.Disable)],
        },
        Os = new OsDefinition { Kernel = "/srv/virtlab/vmlinux", Initrd = "/srv/virtlab/initrd.img", Cmdline = "console=ttyS0 loglevel=4" },
        Accel = AccelMode.Tcg,
        GuestAgent = true,
        Balloon = new BalloonDefinition { StatsPeriodSeconds = 2, DeflateOnOom = true },
        Pmu = false,
        Interface = new InterfaceDefinition { Bridge = "vlab0", Mac = "52:54:00:12:34:56", Address = "10.77.0.100", Prefix = 24 },
        ConsoleLog = "/var/log/virtlab/knoel1.log",
    };

    [Fact]
    public void Write_prints_libvirts_element_order_and_style()
    {
        Assert.Equal(
            """
            <domain type='qemu'>
              <name>knoel1</name>
              <uuid>f8023c16-22b1-4163-a7b5-df2452241fed</uuid>
              <maxMemory slots='16' unit='KiB'>4194304</maxMemory>
              <memory unit='KiB'>1048576</memory>
              <currentMemory unit='KiB'>524288</currentMemory>
              <vcpu placement='static' current='1'>4</vcpu>
              <os>
                <type arch='x86_64' machine='pc'>hvm</type>
                <kernel>/srv/virtlab/vmlinux</kernel>
                <initrd>/srv/virtlab/initrd.img</initrd>
                <cmdline>console=ttyS0 loglevel=4</cmdline>
              </os>
              <features>
                <acpi/>
                <apic/>
                <pmu state='off'/>
              </features>
              <cpu mode='custom' match='exact'>
                <model fallback='allow'>SandyBridge</model>
                <feature policy='disable' name='x2apic'/>
                <feature policy='disable' name='tsc-deadline'/>
              </cpu>
              <clock offset='utc'/>
              <on_poweroff>destroy</on_poweroff>
              <on_reboot>destroy</on_reboot>
              <on_crash>destroy</on_crash>
              <devices>
                <interface type='bridge'>
                  <mac address='52:54:00:12:34:56'/>
                  <source bridge='vlab0'/>
                  <ip address='10.77.0.100' family='ipv4' prefix='24'/>
                  <model type='virtio'/>
                </interface>
                <serial type='file'>
                  <source path='/var/log/virtlab/knoel1.log' append='on'/>
                  <target port='0'/>
                </serial>
                <console type='file'>
                  <source path='/var/log/virtlab/knoel1.log' append='on'/>
                  <target type='serial' port='0'/>
                </console>
                <channel type='unix'>
                  <source mode='bind'/>
                  <target type='virtio' name='org.qemu.guest_agent.0'/>
                </channel>
                <memballoon model='virtio' autodeflate='on'>
                  <stats period='2'/>
                </memballoon>
              </devices>
            </domain>

            """.ReplaceLineEndings("\n"),
            LibvirtDomainXml.Write(Knoel1));
    }

    [Fact]
    public void Accel_auto_is_written_as_type_kvm_with_Virtlabs_metadata()
    {
        var xml = LibvirtDomainXml.Write(Knoel1 with { Accel = AccelMode.Auto, Os = new OsDefinition { Image = "/srv/images/debian" } });

        Assert.StartsWith("<domain type='kvm'>", xml, StringComparison.Ordinal);
        Assert.Contains(
            """
              <metadata>
                <virtlab:domain xmlns:virtlab='https://virtlab.dev/xmlns/domain/1'>
                  <virtlab:accel>auto</virtlab:accel>
                  <virtlab:image>/srv/images/debian</virtlab:image>
                </virtlab:domain>
              </metadata>
              <maxMemory
            """.ReplaceLineEndings("\n"),
            xml,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Accel_kvm_is_written_as_type_kvm_without_metadata()
    {
        var xml = LibvirtDomainXml.Write(Knoel1 with { Accel = AccelMode.Kvm });

        Assert.StartsWith("<domain type='kvm'>", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("metadata", xml, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_CPU_writes_no_cpu_element_and_host_passthrough_an_empty_one()
    {
        Assert.DoesNotContain("<cpu", LibvirtDomainXml.Write(Knoel1 with { Cpu = CpuDefinition.Default }), StringComparison.Ordinal);
        Assert.Contains(
            "  <cpu mode='host-passthrough'/>\n",
            LibvirtDomainXml.Write(Knoel1 with { Cpu = new CpuDefinition { Mode = CpuMode.HostPassthrough } }),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Vcpu_current_is_left_out_when_all_vcpus_start()
    {
        Assert.Contains(
            "<vcpu placement='static'>4</vcpu>",
            LibvirtDomainXml.Write(Knoel1 with { Vcpus = 4 }),
            StringComparison.Ordinal);
    }

    [Fact]
    public void No_balloon_is_written_as_model_none_and_no_agent_as_no_channel()
    {
        var xml = LibvirtDomainXml.Write(Knoel1 with { Balloon = null, GuestAgent = false, ConsoleLog = null, Interface = null });

        Assert.Contains(
            """
              <devices>
                <memballoon model='none'/>
              </devices>
            """.ReplaceLineEndings("\n"),
            xml,
            StringComparison.Ordinal);
    }

    [Fact]
    public void An_interface_without_an_address_is_written_without_ip_and_none_is_written_as_no_interface()
    {
        var xml = LibvirtDomainXml.Write(Knoel1 with { Interface = new InterfaceDefinition { Bridge = "lab.7", Mac = "52:54:00:00:00:01" } });

        Assert.Contains(
            """
              <devices>
                <interface type='bridge'>
                  <mac address='52:54:00:00:00:01'/>
                  <source bridge='lab.7'/>
                  <model type='virtio'/>
                </interface>
                <serial type='file'>
            """.ReplaceLineEndings("\n"),
            xml,
            StringComparison.Ordinal);
        Assert.DoesNotContain("<interface", LibvirtDomainXml.Write(Knoel1 with { Interface = null }), StringComparison.Ordinal);
    }

    [Fact]
    public void Special_characters_in_values_are_escaped()
    {
        var xml = LibvirtDomainXml.Write(Knoel1 with
        {
            ConsoleLog = "/tmp/it's <here> & \"there\".log",
            Os = new OsDefinition { Cmdline = "a<b && c>'d'" },
        });

        Assert.Contains("path='/tmp/it&apos;s &lt;here&gt; &amp; \"there\".log'", xml, StringComparison.Ordinal);
        Assert.Contains("<cmdline>a&lt;b &amp;&amp; c&gt;'d'</cmdline>", xml, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_XML_cannot_hold_is_refused()
    {
        Assert.Throws<ArgumentException>(() => LibvirtDomainXml.Write(Knoel1 with { Os = new OsDefinition { Cmdline = "a\0b" } }));
    }
}
