namespace Virtlab.Domain.Tests.Xml;

public sealed partial class LibvirtDomainXmlTests
{
    /// <summary>A domain whose devices are one &lt;interface type='bridge'&gt; holding <paramref name="inner"/>.</summary>
    private static string Nic(string inner, string attributes = "type='bridge'") =>
        Domain($"<devices><interface {attributes}>{inner}</interface></devices>");

    [Fact]
    public void A_second_interface_is_reported_because_a_guest_has_at_most_one_NIC()
    {
        var error = SingleError(Domain("""
            <devices>
              <interface type='bridge'><source bridge='vlab0'/></interface>
              <interface type='bridge'><source bridge='vlab1'/></interface>
            </devices>
            """));

        Assert.Equal("/domain/devices/interface[2]", error.Path);
        Assert.Equal("<interface> appears more than once: keep one (Virtlab gives a guest at most one NIC)", error.Message);
    }

    [Theory]
    [InlineData("network")]
    [InlineData("user")]
    [InlineData("direct")]
    [InlineData("ethernet")]
    public void An_interface_type_other_than_bridge_is_reported(string type)
    {
        var error = SingleError(Nic("<source network='default'/>", $"type='{type}'"));

        Assert.Equal("/domain/devices/interface/@type", error.Path);
        Assert.Equal(
            $"'{type}' is not supported by Virtlab: use type='bridge' with <source bridge='NAME'/> (Virtlab puts the guest's NIC on a host bridge)",
            error.Message);
    }

    [Fact]
    public void An_interface_without_a_type_is_reported()
    {
        var error = SingleError(Nic("<source bridge='vlab0'/>", ""));

        Assert.Equal("/domain/devices/interface", error.Path);
        Assert.StartsWith("the interface has no type: write <interface type='bridge'>", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("e1000")]
    [InlineData("rtl8139")]
    public void A_NIC_model_other_than_virtio_is_reported(string model)
    {
        var error = SingleError(Nic($"<source bridge='vlab0'/><model type='{model}'/>"));

        Assert.Equal("/domain/devices/interface/model/@type", error.Path);
        Assert.Equal($"'{model}' is not supported by Virtlab: use 'virtio' (Virtlab's NIC is virtio-net)", error.Message);
    }

    [Fact]
    public void A_target_device_is_reported_as_live_state()
    {
        var error = SingleError(Nic("<source bridge='vlab0'/><target dev='vnet0'/>"));

        Assert.Equal("/domain/devices/interface/target", error.Path);
        Assert.Equal(
            "<target> of an interface is live state from virsh dumpxml (the host's tap device, which the daemon names itself): remove it",
            error.Message);
    }

    [Fact]
    public void What_virsh_dumpxml_adds_to_a_running_guests_interface_is_reported_element_by_element()
    {
        var errors = ParseErrors(Domain("""
            <devices>
              <interface type='bridge'>
                <mac address='52:54:00:12:34:56'/>
                <source bridge='vlab0'/>
                <ip address='10.77.0.100' family='ipv4' prefix='24'/>
                <target dev='vnet3'/>
                <model type='virtio'/>
                <alias name='net0'/>
                <address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/>
              </interface>
            </devices>
            """));

        Assert.Equal(
            ["/domain/devices/interface/target", "/domain/devices/interface/alias", "/domain/devices/interface/address"],
            errors.Select(e => e.Path));
        Assert.Contains("live state from virsh dumpxml", errors[0].Message, StringComparison.Ordinal);
        Assert.Equal("<alias> is not supported by Virtlab: remove it (it is live state from virsh dumpxml)", errors[1].Message);
        Assert.Equal("<address> is not supported by Virtlab: remove it (Virtlab and QEMU choose device addresses)", errors[2].Message);
    }

    [Theory]
    [InlineData("<link state='up'/>", "/domain/devices/interface/link")]
    [InlineData("<driver name='vhost'/>", "/domain/devices/interface/driver")]
    [InlineData("<virtualport type='openvswitch'/>", "/domain/devices/interface/virtualport")]
    [InlineData("<mtu size='9000'/>", "/domain/devices/interface/mtu")]
    [InlineData("<route family='ipv4' address='0.0.0.0' gateway='10.77.0.1'/>", "/domain/devices/interface/route")]
    [InlineData("<boot order='1'/>", "/domain/devices/interface/boot")]
    [InlineData("<x:tuning xmlns:x='urn:x'/>", "/domain/devices/interface/x:tuning")]
    public void Anything_else_inside_an_interface_is_reported_at_its_path(string element, string path)
    {
        var error = SingleError(Nic("<source bridge='vlab0'/>" + element));

        Assert.Equal(path, error.Path);
        Assert.Contains("is not supported by Virtlab: remove it", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<source bridge='vlab0'/>", "type='bridge' trustGuestRxFilters='yes'", "/domain/devices/interface/@trustGuestRxFilters")]
    [InlineData("<source bridge='vlab0' network='default'/>", "type='bridge'", "/domain/devices/interface/source/@network")]
    [InlineData("<source bridge='vlab0'/><mac address='52:54:00:12:34:56' type='static'/>", "type='bridge'", "/domain/devices/interface/mac/@type")]
    [InlineData("<source bridge='vlab0'/><ip address='10.77.0.100' peer='10.77.0.1'/>", "type='bridge'", "/domain/devices/interface/ip/@peer")]
    public void An_unknown_attribute_in_an_interface_is_reported_at_its_path(string inner, string attributes, string path)
    {
        Assert.Equal(path, SingleError(Nic(inner, attributes)).Path);
    }

    [Fact]
    public void An_interface_without_a_source_is_reported()
    {
        var error = SingleError(Nic("<mac address='52:54:00:12:34:56'/>"));

        Assert.Equal("/domain/devices/interface", error.Path);
        Assert.StartsWith("a bridge interface needs a source: add <source bridge='NAME'/>", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_source_without_a_bridge_is_reported_once()
    {
        var error = SingleError(Nic("<source/>"));

        Assert.Equal("/domain/devices/interface/source", error.Path);
        Assert.StartsWith("the source has no bridge", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bridge_name_Linux_would_refuse_is_reported_at_the_source()
    {
        var error = SingleError(Nic("<source bridge='a-very-long-bridge-name'/>"));

        Assert.Equal("/domain/devices/interface/source/@bridge", error.Path);
        Assert.Contains("at most 15", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("52:54:00:12:34", "is not a MAC address")]
    [InlineData("01:00:5e:00:00:01", "is a multicast address")]
    public void A_bad_MAC_is_reported_at_its_address(string mac, string message)
    {
        var error = SingleError(Nic($"<mac address='{mac}'/><source bridge='vlab0'/>"));

        Assert.Equal("/domain/devices/interface/mac/@address", error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mac_element_without_an_address_is_reported()
    {
        Assert.Equal("/domain/devices/interface/mac", SingleError(Nic("<mac/><source bridge='vlab0'/>")).Path);
    }

    [Theory]
    [InlineData("10.77.0", "is not an IPv4 address")]
    [InlineData("127.0.0.1", "a loopback address")]
    [InlineData("fe80::1", "is not an IPv4 address")]
    public void A_bad_address_is_reported_at_the_ips_address(string address, string message)
    {
        var error = SingleError(Nic($"<source bridge='vlab0'/><ip address='{address}' prefix='24'/>"));

        Assert.Equal("/domain/devices/interface/ip/@address", error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("33", "use 1 to 32")]
    [InlineData("0", "'0' is not a prefix length")]
    [InlineData("x", "'x' is not a prefix length")]
    [InlineData("", "a prefix length is empty")]
    public void A_bad_prefix_is_reported_at_the_ips_prefix(string prefix, string message)
    {
        var error = SingleError(Nic($"<source bridge='vlab0'/><ip address='10.77.0.100' prefix='{prefix}'/>"));

        Assert.Equal("/domain/devices/interface/ip/@prefix", error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_IPv6_family_is_reported()
    {
        var error = SingleError(Nic("<source bridge='vlab0'/><ip address='fd00::2' family='ipv6' prefix='64'/>"));

        Assert.Equal("/domain/devices/interface/ip/@family", error.Path);
        Assert.Contains("use 'ipv4'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ip_without_an_address_is_reported_once()
    {
        var error = SingleError(Nic("<source bridge='vlab0'/><ip prefix='16'/>"));

        Assert.Equal("/domain/devices/interface/ip", error.Path);
        Assert.StartsWith("the <ip> has no address", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_ip_is_reported()
    {
        var error = SingleError(Nic("<source bridge='vlab0'/><ip address='10.77.0.100'/><ip address='10.77.0.101'/>"));

        Assert.Equal("/domain/devices/interface/ip[2]", error.Path);
        Assert.Contains("one IPv4 address", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_inside_an_interface_is_reported()
    {
        Assert.Equal("/domain/devices/interface", SingleError(Nic("<source bridge='vlab0'/>vlab0")).Path);
    }
}
