using Virtlab.Domain.Cpu;

namespace Virtlab.Domain.Tests.Cpu;

public sealed class CpuCompatibilityTests
{
    private static readonly HostCpuIdentity SandyBridgeHost =
        new("GenuineIntel", 6, 42, 7, ["fpu", "sse4_2", "avx", "vmx", "arch_perfmon", "constant_tsc"]);

    [Fact]
    public void A_host_with_exactly_the_CPUs_features_is_identical()
    {
        var c = CpuCompatibility.Compare(["fpu", "sse4_2"], ["sse4_2", "fpu"]);

        Assert.Equal(CpuCompareResult.Identical, c.Result);
        Assert.Empty(c.Missing);
    }

    [Fact]
    public void A_host_with_more_features_is_a_superset()
    {
        var c = CpuCompatibility.Compare(["fpu", "sse4_2"], ["fpu", "sse4_2", "avx"]);

        Assert.Equal(CpuCompareResult.Superset, c.Result);
        Assert.Equal(["avx"], c.Extra);
    }

    [Fact]
    public void A_host_lacking_a_needed_feature_is_incompatible_and_the_missing_features_are_listed()
    {
        var c = CpuCompatibility.Compare(["fpu", "avx512f", "pcid"], ["fpu", "avx"]);

        Assert.Equal(CpuCompareResult.Incompatible, c.Result);
        Assert.Equal(["avx512f", "pcid"], c.Missing);
        Assert.Contains("avx512f, pcid", c.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Host_passthrough_migrates_only_to_an_identical_CPU()
    {
        var sameModelMoreFeatures = SandyBridgeHost with { Features = [.. SandyBridgeHost.Features, "avx2"] };
        var otherStepping = SandyBridgeHost with { Stepping = 6 };

        Assert.Equal(CpuCompareResult.Identical, CpuCompatibility.CompareHostPassthrough(SandyBridgeHost, SandyBridgeHost).Result);
        var more = CpuCompatibility.CompareHostPassthrough(SandyBridgeHost, sameModelMoreFeatures);
        Assert.Equal(CpuCompareResult.Incompatible, more.Result);
        Assert.Contains("identical", more.Reason, StringComparison.Ordinal);
        Assert.Contains("stepping 6", CpuCompatibility.CompareHostPassthrough(SandyBridgeHost, otherStepping).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_baseline_is_what_every_host_has_and_the_best_model_is_the_largest_within_it()
    {
        var baseline = CpuCompatibility.Baseline([["fpu", "sse4_2", "avx", "mtrr"], ["fpu", "sse4_2", "avx512f", "mtrr"]]);
        var models = new Dictionary<string, IReadOnlySet<string>>
        {
            ["qemu64"] = new HashSet<string> { "fpu" },
            ["Nehalem"] = new HashSet<string> { "fpu", "sse4_2", "mtrr" },
            ["SandyBridge"] = new HashSet<string> { "fpu", "sse4_2", "mtrr", "avx" },
        };

        Assert.Equal(new HashSet<string> { "fpu", "sse4_2", "mtrr" }, baseline);
        Assert.Equal("Nehalem", CpuCompatibility.BestModel(baseline, models));
    }

    [Theory]
    [InlineData("sse4.2", "sse4_2")]
    [InlineData("lahf-lm", "lahf_lm")]
    [InlineData("tsc-deadline", "tsc_deadline_timer")]
    [InlineData("pni", "pni")]
    [InlineData("avx512-vpopcntdq", "avx512_vpopcntdq")]
    [InlineData("sha-ni", "sha_ni")]
    public void QEMU_feature_names_map_to_the_names_linux_shows(string qemu, string linux) =>
        Assert.Equal(linux, X86FeatureNames.ToLinux(qemu));

    [Theory]
    [InlineData("osxsave")]
    [InlineData("kvmclock")]
    [InlineData("vmx-ept")]
    public void Bits_linux_never_shows_are_not_compared(string qemu) => Assert.Null(X86FeatureNames.ToLinux(qemu));
}
