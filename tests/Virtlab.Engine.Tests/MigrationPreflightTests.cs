using Virtlab.Api;
using Virtlab.Domain.Definitions;
using Virtlab.Engine.Migration;
using Virtlab.Engine.Peers;

namespace Virtlab.Engine.Tests;

public sealed class MigrationPreflightTests
{
    private static readonly HostCpuInfo Cpu = new("GenuineIntel", "Intel(R) Xeon(R) Platinum", 6, 85, 7, ["fpu", "sse2", "avx2"]);

    private static MigrationPreflightContext Context(DomainDefinition def, HostCpuInfo dst, bool nameTaken = false, string? image = null) =>
        new(def, Cpu, dst, "10.0.2", "10.0.2", _ => nameTaken, _ => image);

    [Fact]
    public void Given_a_default_cpu_guest_and_a_free_name_then_nothing_is_in_the_way() =>
        Assert.Empty(new BasicMigrationPreflight().Check(Context(new DomainDefinition { Name = "t1" }, Cpu with { ModelName = "AMD EPYC" })));

    [Fact]
    public void Given_the_name_is_taken_on_the_destination_then_it_is_refused() =>
        Assert.Contains(new BasicMigrationPreflight().Check(Context(new DomainDefinition { Name = "t1" }, Cpu, nameTaken: true)), p => p.Contains("already exists", StringComparison.Ordinal));

    [Fact]
    public void Given_the_image_is_missing_on_the_destination_then_it_is_refused() =>
        Assert.Contains("image gone", new BasicMigrationPreflight().Check(Context(new DomainDefinition { Name = "t1" }, Cpu, image: "image gone")));

    [Fact]
    public void Given_host_passthrough_and_a_destination_cpu_without_avx2_then_the_missing_flag_is_named()
    {
        var def = new DomainDefinition { Name = "t1", Cpu = new CpuDefinition { Mode = CpuMode.HostPassthrough } };

        var problems = new BasicMigrationPreflight().Check(Context(def, Cpu with { Flags = ["fpu", "sse2"] }));

        Assert.Contains(problems, p => p.Contains("avx2", StringComparison.Ordinal));
    }

    [Fact]
    public void Given_host_passthrough_and_another_cpu_model_then_it_is_refused()
    {
        var def = new DomainDefinition { Name = "t1", Cpu = new CpuDefinition { Mode = CpuMode.HostPassthrough } };

        Assert.NotEmpty(new BasicMigrationPreflight().Check(Context(def, Cpu with { ModelName = "AMD EPYC", Model = 1 })));
    }

    [Theory]
    [InlineData("virtlab+tcp://127.0.0.1:16600", "127.0.0.1", 16600)]
    [InlineData("virtlab+tcp://[::1]:16600", "::1", 16600)]
    public void Given_a_virtlab_uri_then_host_and_port_are_read(string text, string host, int port) =>
        Assert.Equal(new VirtlabUri(host, port), VirtlabUri.Parse(text));

    [Theory]
    [InlineData("qemu+tcp://127.0.0.1:16509/system")]
    [InlineData("virtlab+tcp://127.0.0.1")]
    [InlineData("127.0.0.1:16600")]
    public void Given_anything_else_then_the_uri_is_refused_with_the_expected_shape(string text) =>
        Assert.Contains("virtlab+tcp://HOST:PORT", Assert.Throws<VirtlabException>(() => VirtlabUri.Parse(text)).Message);
}
