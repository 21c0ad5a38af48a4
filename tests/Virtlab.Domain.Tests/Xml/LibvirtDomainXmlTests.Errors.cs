using Virtlab.Domain.Xml;

namespace Virtlab.Domain.Tests.Xml;

public sealed partial class LibvirtDomainXmlTests
{
    [Fact]
    public void A_disk_is_reported_at_its_path_with_the_reason()
    {
        var error = SingleError(Domain("""
            <devices>
              <disk type='file' device='disk'><source file='/var/lib/t1.qcow2'/><target dev='vda'/></disk>
            </devices>
            """));

        Assert.Equal("/domain/devices/disk", error.Path);
        Assert.Equal(
            "<disk> is not supported by Virtlab: remove it (Virtlab guests boot a kernel and initramfs (<os><kernel>, <initrd>) and have no disks)",
            error.Message);
    }

    [Fact]
    public void Several_unsupported_siblings_are_each_reported_with_an_index()
    {
        var errors = ParseErrors(Domain("<devices><disk/><interface/><disk/></devices>"));

        Assert.Equal(["/domain/devices/disk[1]", "/domain/devices/interface", "/domain/devices/disk[2]"], errors.Select(e => e.Path));
    }

    [Fact]
    public void An_unknown_attribute_is_reported_at_its_path()
    {
        var error = SingleError(Domain("<vcpu placement='static' cpuset='0-1'>2</vcpu>"));

        Assert.Equal("/domain/vcpu/@cpuset", error.Path);
        Assert.Equal("attribute 'cpuset' of <vcpu> is not supported by Virtlab: remove it (Virtlab does not pin vCPUs)", error.Message);
    }

    [Fact]
    public void The_live_id_attribute_from_dumpxml_is_reported()
    {
        var error = SingleError(Domain().Replace("<domain type='qemu'>", "<domain type='qemu' id='3'>", StringComparison.Ordinal));

        Assert.Equal("/domain/@id", error.Path);
        Assert.Contains("live state", error.Message);
    }

    [Fact]
    public void An_unknown_top_level_element_is_reported()
    {
        Assert.Equal("/domain/title", SingleError(Domain("<title>my vm</title>")).Path);
    }

    [Fact]
    public void More_vcpus_than_the_maximum_is_reported_at_the_current_attribute()
    {
        var error = SingleError(Domain("<vcpu placement='static' current='5'>4</vcpu>"));

        Assert.Equal("/domain/vcpu/@current", error.Path);
        Assert.Contains("5 vCPUs at start is more than the maximum of 4", error.Message);
    }

    [Fact]
    public void Too_many_vcpus_is_reported_at_the_vcpu_element()
    {
        Assert.Equal("/domain/vcpu", SingleError(Domain("<vcpu>300</vcpu>")).Path);
    }

    [Fact]
    public void Current_memory_above_memory_is_reported_at_currentMemory()
    {
        var error = SingleError(Domain("<currentMemory unit='MiB'>512</currentMemory>"));

        Assert.Equal("/domain/currentMemory", error.Path);
        Assert.StartsWith("512 MiB is more than memory (256 MiB)", error.Message);
    }

    [Fact]
    public void Too_little_memory_is_reported_once_at_memory()
    {
        var error = SingleError(Domain(memory: "<memory unit='MiB'>32</memory>"));

        Assert.Equal("/domain/memory", error.Path);
        Assert.Equal("32 MiB is too little: a guest needs at least 64 MiB", error.Message);
    }

    [Fact]
    public void Max_memory_below_memory_is_reported_at_maxMemory()
    {
        Assert.Equal("/domain/maxMemory", SingleError(Domain("<maxMemory slots='4' unit='MiB'>128</maxMemory>")).Path);
    }

    [Fact]
    public void Too_many_slots_are_reported_at_the_slots_attribute()
    {
        Assert.Equal("/domain/maxMemory/@slots", SingleError(Domain("<maxMemory slots='300' unit='GiB'>4</maxMemory>")).Path);
    }

    [Theory]
    [InlineData("<memory unit='QB'>12</memory>", "'QB' is not a unit")]
    [InlineData("<memory unit='MiB'>1.5</memory>", "write a whole number")]
    [InlineData("<memory unit='MiB'>-256</memory>", "write a whole number")]
    [InlineData("<memory unit='MiB'></memory>", "an empty value is not a size")]
    [InlineData("<memory unit='EiB'>9</memory>", "is too large")]
    public void A_memory_size_that_is_not_a_size_is_reported_once(string memory, string expected)
    {
        var error = SingleError(Domain(memory: memory));

        Assert.Equal("/domain/memory", error.Path);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Malformed_XML_is_one_error_with_line_and_column()
    {
        var error = SingleError("<domain type='qemu'>\n  <name>t1</name>\n  <memory>1</domain>");

        Assert.Equal("/", error.Path);
        Assert.StartsWith("the XML is not well-formed at line 3, column ", error.Message);
        Assert.DoesNotContain("Line 3, position", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not xml")]
    [InlineData("<domain>")]
    public void Text_that_is_not_XML_is_one_error(string xml)
    {
        var error = SingleError(xml);

        Assert.Equal("/", error.Path);
        Assert.StartsWith("the XML is not well-formed", error.Message);
    }

    [Fact]
    public void A_DTD_is_refused()
    {
        var error = SingleError("<!DOCTYPE domain [<!ENTITY x 'y'>]><domain type='qemu'><name>&x;</name></domain>");

        Assert.Equal("/", error.Path);
    }

    [Fact]
    public void A_root_other_than_domain_is_reported()
    {
        var error = SingleError("<network><name>default</name></network>");

        Assert.Equal("/network", error.Path);
        Assert.Contains("a libvirt domain is a <domain> element", error.Message);
    }

    [Fact]
    public void A_missing_name_and_memory_are_both_reported()
    {
        var errors = ParseErrors("<domain type='qemu'/>");

        Assert.Equal(["/domain/name", "/domain/memory"], errors.Select(e => e.Path));
    }

    [Theory]
    [InlineData("<domain><name>t1</name><memory unit='MiB'>256</memory></domain>", "has no type")]
    [InlineData("<domain type='xen'><name>t1</name><memory unit='MiB'>256</memory></domain>", "'xen' is not a hypervisor Virtlab runs")]
    public void A_missing_or_foreign_domain_type_is_reported(string xml, string expected)
    {
        var error = SingleError(xml);

        Assert.Equal("/domain/@type", error.Path);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_bad_name_is_reported_at_name()
    {
        var error = SingleError(Domain().Replace("<name>t1</name>", "<name>a/b</name>", StringComparison.Ordinal));

        Assert.Equal("/domain/name", error.Path);
        Assert.Contains("'/' would break Virtlab's file paths", error.Message);
    }

    [Fact]
    public void A_bad_uuid_is_reported()
    {
        var error = SingleError(Domain().Replace(Uuid, "not-a-uuid", StringComparison.Ordinal));

        Assert.Equal("/domain/uuid", error.Path);
        Assert.StartsWith("'not-a-uuid' is not a UUID", error.Message);
    }

    [Fact]
    public void An_element_given_twice_is_reported_at_the_second()
    {
        var error = SingleError(Domain("<vcpu>1</vcpu><vcpu>2</vcpu>"));

        Assert.Equal("/domain/vcpu[2]", error.Path);
        Assert.Contains("appears more than once", error.Message);
    }

    [Fact]
    public void Text_where_none_belongs_is_reported()
    {
        Assert.Equal("/domain/features/acpi", SingleError(Domain("<features><acpi>yes</acpi></features>")).Path);
    }

    [Theory]
    [InlineData("on_reboot", "restart")]
    [InlineData("on_poweroff", "preserve")]
    [InlineData("on_crash", "coredump-restart")]
    public void Lifecycle_actions_other_than_destroy_are_reported(string element, string value)
    {
        var error = SingleError(Domain($"<{element}>{value}</{element}>"));

        Assert.Equal($"/domain/{element}", error.Path);
        Assert.StartsWith($"'{value}' is not supported by Virtlab: write destroy", error.Message);
    }

    [Fact]
    public void An_emulator_is_reported_because_the_daemon_chooses_QEMU()
    {
        var error = SingleError(Domain("<devices><emulator>/usr/bin/qemu-system-x86_64</emulator></devices>"));

        Assert.Equal("/domain/devices/emulator", error.Path);
        Assert.Contains("qemu-system-x86_64 its daemon is set up with", error.Message);
    }

    [Fact]
    public void The_talks_channel_socket_path_is_reported_because_the_daemon_owns_the_socket()
    {
        var error = SingleError(Domain("""
            <devices>
              <channel type='unix'>
                <source mode='bind' path='/var/lib/libvirt/qemu/channel/target/knoel1.org.qemu.guest_agent.0'/>
                <target type='virtio' name='org.qemu.guest_agent.0'/>
                <address type='virtio-serial' controller='0' bus='0' port='1'/>
              </channel>
            </devices>
            """));

        Assert.Equal("/domain/devices/channel/source/@path", error.Path);
        Assert.Contains("qemu-agent-command", error.Message);
    }

    [Fact]
    public void A_channel_other_than_the_guest_agent_is_reported()
    {
        var error = SingleError(Domain("<devices><channel type='unix'><target type='virtio' name='org.example.other'/></channel></devices>"));

        Assert.Equal("/domain/devices/channel/target/@name", error.Path);
        Assert.Contains("use 'org.qemu.guest_agent.0'", error.Message);
    }

    [Fact]
    public void An_agent_address_other_than_Virtlabs_is_reported()
    {
        var error = SingleError(Domain("""
            <devices><channel type='unix'>
              <target type='virtio' name='org.qemu.guest_agent.0'/>
              <address type='virtio-serial' controller='0' bus='0' port='2'/>
            </channel></devices>
            """));

        Assert.Equal("/domain/devices/channel/address/@port", error.Path);
    }

    [Fact]
    public void A_second_serial_port_is_reported()
    {
        var error = SingleError(Domain("<devices><serial type='pty'/><serial type='pty'/></devices>"));

        Assert.Equal("/domain/devices/serial[2]", error.Path);
        Assert.Contains("one serial port", error.Message);
    }

    [Fact]
    public void A_console_that_differs_from_the_serial_port_is_reported()
    {
        var error = SingleError(Domain("""
            <devices>
              <serial type='file'><source path='/tmp/a.log'/></serial>
              <console type='file'><source path='/tmp/b.log'/></console>
            </devices>
            """));

        Assert.Equal("/domain/devices/console", error.Path);
    }

    [Fact]
    public void A_serial_log_that_truncates_is_reported()
    {
        var error = SingleError(Domain("<devices><serial type='file'><source path='/tmp/a.log' append='off'/></serial></devices>"));

        Assert.Equal("/domain/devices/serial/source/@append", error.Path);
        Assert.Contains("migration", error.Message);
    }

    [Fact]
    public void A_relative_serial_log_is_reported_at_the_source_path()
    {
        var error = SingleError(Domain("<devices><serial type='file'><source path='t1.log'/></serial></devices>"));

        Assert.Equal("/domain/devices/serial/source/@path", error.Path);
        Assert.Contains("absolute path", error.Message);
    }

    [Fact]
    public void A_virtio_console_is_reported()
    {
        Assert.Equal(
            "/domain/devices/console/target/@type",
            SingleError(Domain("<devices><console type='pty'><target type='virtio' port='0'/></console></devices>")).Path);
    }

    [Fact]
    public void A_balloon_model_none_with_settings_is_reported()
    {
        Assert.Equal(
            "/domain/devices/memballoon/stats",
            SingleError(Domain("<devices><memballoon model='none'><stats period='2'/></memballoon></devices>")).Path);
    }

    [Fact]
    public void A_balloon_address_from_dumpxml_is_reported()
    {
        var error = SingleError(Domain("""
            <devices><memballoon model='virtio'>
              <address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/>
            </memballoon></devices>
            """));

        Assert.Equal("/domain/devices/memballoon/address", error.Path);
    }

    [Fact]
    public void A_negative_statistics_period_is_reported()
    {
        Assert.Equal(
            "/domain/devices/memballoon/stats/@period",
            SingleError(Domain("<devices><memballoon model='virtio'><stats period='-1'/></memballoon></devices>")).Path);
    }

    [Fact]
    public void A_custom_CPU_without_a_model_is_reported_at_the_model()
    {
        var error = SingleError(Domain("<cpu mode='custom' match='exact'><feature policy='require' name='avx'/></cpu>"));

        Assert.Equal("/domain/cpu/model", error.Path);
        Assert.Contains("custom mode needs a model", error.Message);
    }

    [Fact]
    public void A_duplicate_CPU_feature_is_reported_at_the_second()
    {
        var error = SingleError(Domain("""
            <cpu mode='custom'>
              <model>Nehalem</model>
              <feature policy='require' name='avx'/>
              <feature policy='disable' name='vmx'/>
              <feature policy='disable' name='avx'/>
            </cpu>
            """));

        Assert.Equal("/domain/cpu/feature[3]", error.Path);
        Assert.Contains("'avx' is already listed", error.Message);
    }

    [Fact]
    public void A_bad_CPU_feature_name_is_reported_at_its_name_attribute()
    {
        var error = SingleError(Domain("""
            <cpu mode='custom'><model>Nehalem</model>
              <feature policy='require' name='avx'/>
              <feature policy='require' name='AVX2'/>
            </cpu>
            """));

        Assert.Equal("/domain/cpu/feature[2]/@name", error.Path);
        Assert.Contains("lower case", error.Message);
    }

    [Fact]
    public void A_feature_without_a_name_or_with_a_bad_policy_is_reported()
    {
        var errors = ParseErrors(Domain("""
            <cpu mode='custom'><model>Nehalem</model>
              <feature policy='require'/>
              <feature policy='maybe' name='avx'/>
            </cpu>
            """));

        Assert.Equal(["/domain/cpu/feature[1]", "/domain/cpu/feature[2]/@policy"], errors.Select(e => e.Path));
    }

    [Theory]
    [InlineData("<cpu mode='custom' match='minimum'><model>Nehalem</model></cpu>", "/domain/cpu/@match")]
    [InlineData("<cpu mode='custom' check='full'><model>Nehalem</model></cpu>", "/domain/cpu/@check")]
    [InlineData("<cpu mode='host-passthrough' migratable='off'/>", "/domain/cpu/@migratable")]
    [InlineData("<cpu mode='maximum'/>", "/domain/cpu/@mode")]
    [InlineData("<cpu mode='custom'><model fallback='maybe'>Nehalem</model></cpu>", "/domain/cpu/model/@fallback")]
    [InlineData("<cpu mode='custom'><model vendor_id='GenuineIntel'>Nehalem</model></cpu>", "/domain/cpu/model/@vendor_id")]
    [InlineData("<cpu mode='custom'><model>Nehalem</model><topology sockets='1' cores='2' threads='1'/></cpu>", "/domain/cpu/topology")]
    public void CPU_settings_Virtlab_does_not_implement_are_reported(string cpu, string path)
    {
        Assert.Equal(path, SingleError(Domain(cpu, type: "kvm")).Path);
    }

    [Fact]
    public void Host_passthrough_under_TCG_is_reported_at_the_mode()
    {
        var error = SingleError(Domain("<cpu mode='host-passthrough'/>", type: "qemu"));

        Assert.Equal("/domain/cpu/@mode", error.Path);
        Assert.Contains("needs KVM", error.Message);
    }

    [Theory]
    [InlineData("<os><type arch='aarch64'>hvm</type></os>", "/domain/os/type/@arch")]
    [InlineData("<os><type machine='q35'>hvm</type></os>", "/domain/os/type/@machine")]
    [InlineData("<os><type>xen</type></os>", "/domain/os/type")]
    [InlineData("<os><boot dev='hd'/></os>", "/domain/os/boot")]
    [InlineData("<os firmware='efi'/>", "/domain/os/@firmware")]
    [InlineData("<os><initrd>/boot/initrd.img</initrd></os>", "/domain/os/initrd")]
    [InlineData("<os><kernel>vmlinux</kernel></os>", "/domain/os/kernel")]
    public void OS_settings_Virtlab_does_not_implement_are_reported(string os, string path)
    {
        Assert.Equal(path, SingleError(Domain(os)).Path);
    }

    [Theory]
    [InlineData("<clock offset='localtime'/>", "/domain/clock/@offset")]
    [InlineData("<clock offset='utc'><timer name='rtc' tickpolicy='catchup'/></clock>", "/domain/clock/timer")]
    [InlineData("<features><pmu/></features>", "/domain/features/pmu")]
    [InlineData("<features><pmu state='maybe'/></features>", "/domain/features/pmu/@state")]
    [InlineData("<features><vmport state='off'/></features>", "/domain/features/vmport")]
    public void Clock_and_feature_settings_Virtlab_does_not_implement_are_reported(string inner, string path)
    {
        Assert.Equal(path, SingleError(Domain(inner)).Path);
    }

    [Fact]
    public void Elements_in_foreign_namespaces_are_reported_with_their_prefix()
    {
        var error = SingleError(Domain("""
            <qemu:commandline xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
              <qemu:arg value='-S'/>
            </qemu:commandline>
            """));

        Assert.Equal("/domain/qemu:commandline", error.Path);
        Assert.Contains("only libvirt's own elements", error.Message);
    }

    [Fact]
    public void Other_applications_metadata_is_reported()
    {
        var error = SingleError(Domain("<metadata><app:note xmlns:app='http://example.org/app'>hi</app:note></metadata>"));

        Assert.Equal("/domain/metadata/app:note", error.Path);
        Assert.Contains("Virtlab keeps only its own metadata", error.Message);
    }

    [Fact]
    public void Virtlab_settings_outside_the_one_virtlab_domain_element_are_reported()
    {
        var error = SingleError(Domain("<metadata><virtlab:accel xmlns:virtlab='https://virtlab.dev/xmlns/domain/1'>auto</virtlab:accel></metadata>"));

        Assert.Equal("/domain/metadata/virtlab:accel", error.Path);
        Assert.Contains("inside one <virtlab:domain", error.Message);
    }

    [Theory]
    [InlineData("<virtlab:accel>kvm</virtlab:accel>", "/domain/metadata/virtlab:domain/virtlab:accel")]
    [InlineData("<virtlab:turbo>on</virtlab:turbo>", "/domain/metadata/virtlab:domain/virtlab:turbo")]
    public void Unknown_Virtlab_settings_are_reported(string setting, string path)
    {
        Assert.Equal(path, SingleError(Domain($"<metadata><virtlab:domain xmlns:virtlab='https://virtlab.dev/xmlns/domain/1'>{setting}</virtlab:domain></metadata>")).Path);
    }

    [Fact]
    public void An_image_together_with_a_kernel_is_reported_at_the_image()
    {
        var error = SingleError(Domain("""
            <metadata><virtlab:domain xmlns:virtlab='https://virtlab.dev/xmlns/domain/1'><virtlab:image>/srv/img</virtlab:image></virtlab:domain></metadata>
            <os><kernel>/boot/vmlinux</kernel></os>
            """));

        Assert.Equal("/domain/metadata/virtlab:domain/virtlab:image", error.Path);
    }

    [Fact]
    public void Every_problem_in_a_libvirt_dumpxml_is_listed_at_once()
    {
        var errors = ParseErrors("""
            <domain type='kvm' id='1'>
              <name>knoel1</name>
              <uuid>f8023c16-22b1-4163-a7b5-df2452241fed</uuid>
              <memory unit='KiB'>1048576</memory>
              <currentMemory unit='KiB'>1048576</currentMemory>
              <vcpu placement='static' current='1'>4</vcpu>
              <os><type arch='x86_64' machine='pc-i440fx-1.6'>hvm</type><boot dev='hd'/></os>
              <cpu mode='host-passthrough'/>
              <on_reboot>restart</on_reboot>
              <devices>
                <emulator>/usr/bin/qemu-system-x86_64</emulator>
                <disk type='file' device='disk'/>
                <controller type='virtio-serial' index='0'/>
                <channel type='unix'>
                  <source mode='bind' path='/var/lib/libvirt/qemu/channel/target/knoel1.org.qemu.guest_agent.0'/>
                  <target type='virtio' name='org.qemu.guest_agent.0' state='connected'/>
                  <alias name='channel0'/>
                </channel>
              </devices>
            </domain>
            """);

        Assert.Equal(
            [
                "/domain/@id",
                "/domain/os/type/@machine",
                "/domain/os/boot",
                "/domain/on_reboot",
                "/domain/devices/emulator",
                "/domain/devices/disk",
                "/domain/devices/controller",
                "/domain/devices/channel/source/@path",
                "/domain/devices/channel/target/@state",
                "/domain/devices/channel/alias",
            ],
            errors.Select(e => e.Path));
    }
}
