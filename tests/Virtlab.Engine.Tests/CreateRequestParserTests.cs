using Virtlab.Api;
using Virtlab.Domain.Definitions;
using Virtlab.Domain.Validation;
using Virtlab.Engine.Lifecycle;

namespace Virtlab.Engine.Tests;

public sealed class CreateRequestParserTests
{
    private static DomainDefinition Create(string? network) => CreateRequestParser.Parse(new CreateRequest("n1", Network: network));

    private static ValidationError NetworkError(string network)
    {
        var e = Assert.Throws<VirtlabException>(() => Create(network));
        var error = Assert.Single(e.Errors);
        Assert.Equal("--network", error.Path);
        return error;
    }

    [Fact]
    public void No_network_means_no_interface()
    {
        Assert.Null(Create(null).Interface);
    }

    [Fact]
    public void A_bridge_and_an_address_with_a_prefix_make_the_NIC_with_a_random_MAC()
    {
        var nic = Create("bridge=vlab0,ip=10.77.0.100/24").Interface;

        Assert.NotNull(nic);
        Assert.Equal(("vlab0", "10.77.0.100", 24), (nic.Bridge, nic.Address, nic.Prefix));
        Assert.Matches("^52:54:00(:[0-9a-f]{2}){3}$", nic.Mac);
    }

    [Fact]
    public void A_bridge_alone_gives_a_NIC_without_an_address()
    {
        var nic = Create("bridge=vlab0").Interface;

        Assert.Equal(("vlab0", (string?)null, 24), (nic?.Bridge, nic?.Address, nic?.Prefix ?? 0));
    }

    [Fact]
    public void An_address_without_a_prefix_is_a_24()
    {
        Assert.Equal(24, Create("bridge=vlab0,ip=10.77.0.100").Interface?.Prefix);
        Assert.Equal(16, Create("bridge=vlab0,ip=10.77.1.2/16").Interface?.Prefix);
    }

    [Fact]
    public void A_given_MAC_is_kept_in_lower_case_and_the_options_may_come_in_any_order()
    {
        var nic = Create("mac=52:54:00:AB:CD:EF, ip=10.77.0.7/24 ,bridge=vlab0").Interface;

        Assert.Equal(new InterfaceDefinition { Bridge = "vlab0", Mac = "52:54:00:ab:cd:ef", Address = "10.77.0.7", Prefix = 24 }, nic);
    }

    [Theory]
    [InlineData("", "--network needs a bridge: the form is bridge=NAME[,ip=A.B.C.D/N][,mac=52:54:00:xx:xx:xx]")]
    [InlineData("vlab0", "'vlab0' is not understood: name the bridge as bridge=vlab0; the form is bridge=NAME")]
    [InlineData("ip=10.77.0.100/24", "no bridge: the form is bridge=NAME")]
    [InlineData("bridge=vlab0,model=virtio", "'model=virtio' is not understood: the form is bridge=NAME")]
    [InlineData("bridge=vlab0,bridge=vlab1", "bridge= is given more than once")]
    [InlineData("bridge=", "bridge= has no value")]
    [InlineData("bridge=vlab0,ip=10.77.0.100/x", "'x' in ip=10.77.0.100/x is not a prefix length: write ip=A.B.C.D/N with N from 1 to 32")]
    [InlineData("bridge=vlab0,ip=10.77.0.100/", "is not a prefix length")]
    public void A_network_option_not_in_the_form_is_refused_with_the_form(string network, string message)
    {
        Assert.Contains(message, NetworkError(network).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bridge=br 0", "has a space")]
    [InlineData("bridge=a-very-long-bridge", "at most 15")]
    [InlineData("bridge=vlab0,ip=10.77.0", "is not an IPv4 address")]
    [InlineData("bridge=vlab0,ip=10.77.0.255/24", "is the broadcast address of 10.77.0.0/24")]
    [InlineData("bridge=vlab0,ip=10.77.0.100/33", "use 1 to 32")]
    [InlineData("bridge=vlab0,mac=52:54:00:12:34", "is not a MAC address")]
    [InlineData("bridge=vlab0,mac=01:00:5e:00:00:01", "is a multicast address")]
    public void A_value_the_validator_refuses_is_reported_at_network(string network, string message)
    {
        Assert.Contains(message, NetworkError(network).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Network_problems_are_listed_with_the_other_options_problems()
    {
        var e = Assert.Throws<VirtlabException>(() => CreateRequestParser.Parse(new CreateRequest("n1", Vcpus: "x", Network: "ip=10.77.0.100")));

        Assert.Equal(["--vcpus", "--network"], e.Errors.Select(x => x.Path));
    }
}
