using Virtlab.Api;
using Virtlab.Engine.Qemu;
using Virtlab.Engine.Lifecycle;
using Virtlab.Qmp;

namespace Virtlab.Engine.Tests.Cpu;

public sealed class QemuCpuCapsTests
{
    private static readonly QemuCpuCaps Caps = new(
        "tcg",
        [new CpuDefinitionInfo("Nehalem", "Nehalem-v1-x86_64-cpu", [], false, false, "Nehalem-v1")],
        new Dictionary<string, IReadOnlyList<string>> { ["Nehalem"] = ["fpu", "sse4.2", "lahf-lm", "osxsave"] },
        new HashSet<string> { "fpu", "sse4.2", "lahf-lm", "osxsave", "avx512f" },
        new HashSet<string> { "fpu", "sse4.2", "lahf-lm", "osxsave" },
        []);

    [Theory]
    [InlineData("sse4.2", "sse4.2")]
    [InlineData("sse4_2", "sse4.2")]
    [InlineData("lahf_lm", "lahf-lm")]
    [InlineData("sse4.3", null)]
    public void QEMU_accepts_a_feature_under_its_name_or_with_underscores(string given, string? canonical) =>
        Assert.Equal(canonical, Caps.Canonical(given));

    [Fact]
    public void A_models_features_are_compared_in_linux_spelling_without_the_bits_linux_never_shows() =>
        Assert.Equal(new HashSet<string> { "fpu", "sse4_2", "lahf_lm" }, Caps.LinuxFeatures("Nehalem"));

    [Theory]
    [InlineData("on", true)]
    [InlineData("off", false)]
    [InlineData(null, null)]
    public void Create_pmu_on_or_off_sets_the_domains_pmu(string? pmu, bool? expected) =>
        Assert.Equal(expected, CreateRequestParser.Parse(new CreateRequest("p1", Cpu: "Nehalem", Pmu: pmu)).Pmu);

    [Fact]
    public void Create_pmu_with_another_word_is_refused_with_the_words_to_use()
    {
        var e = Assert.Throws<VirtlabException>(() => CreateRequestParser.Parse(new CreateRequest("p1", Pmu: "maybe")));

        Assert.Contains(e.Errors, x => x.Path == "--pmu" && x.Message.Contains("use on or off", StringComparison.Ordinal));
    }
}
