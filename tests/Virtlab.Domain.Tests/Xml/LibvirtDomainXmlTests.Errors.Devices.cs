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
}
