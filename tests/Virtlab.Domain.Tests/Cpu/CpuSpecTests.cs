using Virtlab.Domain.Cpu;
using Virtlab.Domain.Definitions;

namespace Virtlab.Domain.Tests.Cpu;

public sealed class CpuSpecTests
{
    [Fact]
    public void A_model_alone_is_a_custom_CPU_that_allows_fallback()
    {
        var cpu = CpuSpec.Parse("Nehalem");

        Assert.Equal(new CpuDefinition { Mode = CpuMode.Custom, Model = "Nehalem" }, cpu);
        Assert.Equal(CpuFallback.Allow, cpu.Fallback);
    }

    [Fact]
    public void Plus_and_on_require_a_feature_and_minus_and_off_disable_it()
    {
        var cpu = CpuSpec.Parse("SandyBridge,+avx,-x2apic,pcid=on,tsc-deadline=off");

        Assert.Equal(CpuMode.Custom, cpu.Mode);
        Assert.Equal("SandyBridge", cpu.Model);
        Assert.Equal(
            [
                new CpuFeature("avx", CpuFeaturePolicy.Require),
                new CpuFeature("x2apic", CpuFeaturePolicy.Disable),
                new CpuFeature("pcid", CpuFeaturePolicy.Require),
                new CpuFeature("tsc-deadline", CpuFeaturePolicy.Disable),
            ],
            cpu.Features);
    }

    [Theory]
    [InlineData("force", CpuFeaturePolicy.Force)]
    [InlineData("require", CpuFeaturePolicy.Require)]
    [InlineData("optional", CpuFeaturePolicy.Optional)]
    [InlineData("disable", CpuFeaturePolicy.Disable)]
    [InlineData("forbid", CpuFeaturePolicy.Forbid)]
    public void A_libvirt_policy_name_can_be_given_after_an_equals_sign(string value, CpuFeaturePolicy policy)
    {
        var cpu = CpuSpec.Parse($"Haswell,hle={value}");

        Assert.Equal(new CpuFeature("hle", policy), Assert.Single(cpu.Features));
    }

    [Theory]
    [InlineData("host-passthrough", CpuMode.HostPassthrough)]
    [InlineData("host", CpuMode.HostPassthrough)]
    [InlineData("host-model", CpuMode.HostModel)]
    [InlineData("default", CpuMode.Default)]
    public void The_special_names_choose_a_mode_without_a_model(string text, CpuMode mode)
    {
        var cpu = CpuSpec.Parse(text);

        Assert.Equal(mode, cpu.Mode);
        Assert.Null(cpu.Model);
    }

    [Fact]
    public void Host_passthrough_can_take_features()
    {
        var cpu = CpuSpec.Parse("host,-vmx");

        Assert.Equal(CpuMode.HostPassthrough, cpu.Mode);
        Assert.Equal(new CpuFeature("vmx", CpuFeaturePolicy.Disable), Assert.Single(cpu.Features));
    }

    [Theory]
    [InlineData("", "an empty CPU")]
    [InlineData("  ", "an empty CPU")]
    [InlineData("+avx", "starts with a feature: start with a model, e.g. Nehalem,+avx")]
    [InlineData("Nehalem,,+avx", "an empty feature between commas")]
    [InlineData("Nehalem,", "an empty feature between commas")]
    [InlineData("Nehalem,avx", "write +avx to require it or -avx to disable it")]
    [InlineData("Nehalem,avx=maybe", "'maybe' is not a feature setting: use on or off")]
    [InlineData("Nehalem,+AVX", "feature names are lower case ('avx')")]
    [InlineData("Nehalem,+a vx", "a space")]
    [InlineData("Nehalem,+", "a CPU feature name is empty")]
    [InlineData("Sandy Bridge", "a space")]
    [InlineData(",+avx", "a CPU model name is empty")]
    [InlineData("default,+avx", "the default CPU takes no features")]
    [InlineData("Nehalem,=on", "a CPU feature name is empty")]
    public void Bad_syntax_is_rejected_with_what_to_write_instead(string text, string expected)
    {
        Assert.False(CpuSpec.TryParse(text, out var cpu, out var error));
        Assert.Null(cpu);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void Parse_throws_a_FormatException_with_the_message()
    {
        var e = Assert.Throws<FormatException>(() => CpuSpec.Parse("Nehalem,avx"));
        Assert.Contains("+avx", e.Message);
    }

    [Theory]
    [InlineData("Nehalem")]
    [InlineData("SandyBridge,+avx,-x2apic,pcid=optional,hle=force,rtm=forbid")]
    [InlineData("host-passthrough,-vmx")]
    [InlineData("host-model")]
    [InlineData("default")]
    public void Format_writes_what_Parse_reads(string text)
    {
        Assert.Equal(text, CpuSpec.Format(CpuSpec.Parse(text)));
    }

    [Fact]
    public void On_and_off_are_formatted_as_plus_and_minus()
    {
        Assert.Equal("Nehalem,+avx,-vmx", CpuSpec.Format(CpuSpec.Parse("Nehalem,avx=on,vmx=off")));
    }
}
