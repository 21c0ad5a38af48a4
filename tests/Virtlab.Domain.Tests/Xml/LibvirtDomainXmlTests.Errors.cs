using Virtlab.Domain.Xml;

namespace Virtlab.Domain.Tests.Xml;

public sealed partial class LibvirtDomainXmlTests
{
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
