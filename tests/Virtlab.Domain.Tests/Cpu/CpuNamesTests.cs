using Virtlab.Domain.Cpu;

namespace Virtlab.Domain.Tests.Cpu;

public sealed class CpuNamesTests
{
    [Theory]
    [InlineData("Nehalem")]
    [InlineData("SandyBridge")]
    [InlineData("Skylake-Client-v1")]
    [InlineData("qemu64")]
    [InlineData("EPYC-Rome")]
    [InlineData("max")]
    public void QEMU_model_names_are_valid(string model)
    {
        Assert.Null(CpuNames.ValidateModelName(model));
    }

    [Theory]
    [InlineData("Sandy Bridge", "a space")]
    [InlineData("Nehalem,+avx", "','")]
    [InlineData("-Nehalem", "starts with '-'")]
    [InlineData("", "is empty")]
    [InlineData("Neh/alem", "'/'")]
    public void Model_names_QEMU_could_misread_are_rejected(string model, string expected)
    {
        Assert.Contains(expected, CpuNames.ValidateModelName(model));
    }

    [Theory]
    [InlineData("avx")]
    [InlineData("sse4.2")]
    [InlineData("sse4_2")]
    [InlineData("tsc-deadline")]
    [InlineData("x2apic")]
    public void Lower_case_feature_names_with_digits_dots_underscores_and_dashes_are_valid(string feature)
    {
        Assert.Null(CpuNames.ValidateFeatureName(feature));
    }

    [Fact]
    public void An_upper_case_feature_name_is_rejected_with_its_lower_case_form()
    {
        Assert.Equal(
            "CPU feature name 'AVX' has upper-case letters: feature names are lower case ('avx')",
            CpuNames.ValidateFeatureName("AVX"));
    }

    [Theory]
    [InlineData("av x", "a space")]
    [InlineData("avx,vmx", "','")]
    [InlineData("avx=on", "'='")]
    [InlineData("", "is empty")]
    public void Feature_names_with_other_characters_are_rejected(string feature, string expected)
    {
        Assert.Contains(expected, CpuNames.ValidateFeatureName(feature));
    }

    [Fact]
    public void Names_longer_than_64_characters_are_rejected()
    {
        Assert.Contains("use at most 64", CpuNames.ValidateFeatureName(new string('a', 65)));
        Assert.Contains("use at most 64", CpuNames.ValidateModelName(new string('A', 65)));
    }
}
