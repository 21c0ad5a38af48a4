using Virtlab.Domain.Cpu;
using Virtlab.Domain.Definitions;

namespace Virtlab.Domain.Tests.Cpu;

public sealed class MigrationCpuPreflightTests
{
    private static readonly HostCpuIdentity Source = new("GenuineIntel", 6, 42, 7, ["fpu", "sse4_2", "avx", "mtrr"]);
    private static readonly HostCpuIdentity Older = new("GenuineIntel", 6, 26, 3, ["fpu", "sse4_2", "mtrr"]);
    private static readonly IReadOnlySet<string> Nehalem = new HashSet<string> { "fpu", "sse4_2", "mtrr" };
    private static readonly IReadOnlySet<string> SandyBridge = new HashSet<string> { "fpu", "sse4_2", "mtrr", "avx" };

    [Fact]
    public void A_named_model_migrates_where_the_destination_has_every_feature_it_needs()
    {
        var cpu = new CpuDefinition { Mode = CpuMode.Custom, Model = "Nehalem" };

        Assert.Empty(MigrationCpuPreflight.Check(cpu, null, Nehalem, Source, Older));
    }

    [Fact]
    public void A_named_model_is_refused_where_the_destination_lacks_a_feature_and_the_reason_names_it()
    {
        var cpu = new CpuDefinition { Mode = CpuMode.Custom, Model = "SandyBridge" };

        var problems = MigrationCpuPreflight.Check(cpu, null, SandyBridge, Source, Older);

        Assert.Contains(problems, p => p.Contains("avx", StringComparison.Ordinal));
    }

    [Fact]
    public void Disabling_the_feature_the_destination_lacks_makes_the_model_migratable()
    {
        var cpu = new CpuDefinition { Mode = CpuMode.Custom, Model = "SandyBridge", Features = [new CpuFeature("avx", CpuFeaturePolicy.Disable)] };

        Assert.Empty(MigrationCpuPreflight.Check(cpu, null, SandyBridge, Source, Older));
    }

    [Fact]
    public void Host_passthrough_with_its_PMU_is_refused_to_another_CPU_model_with_both_reasons()
    {
        var cpu = new CpuDefinition { Mode = CpuMode.HostPassthrough };

        var problems = MigrationCpuPreflight.Check(cpu, true, new HashSet<string>(), Source, Older);

        Assert.Contains(problems, p => p.Contains("identical host CPU", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("PMU", StringComparison.Ordinal));
        Assert.Empty(MigrationCpuPreflight.Check(cpu, true, new HashSet<string>(), Source, Source));
    }

    [Fact]
    public void Invtsc_without_a_fixed_tsc_frequency_blocks_migration()
    {
        var cpu = new CpuDefinition { Mode = CpuMode.Custom, Model = "Nehalem", Features = [new CpuFeature("invtsc", CpuFeaturePolicy.Require)] };

        var problems = MigrationCpuPreflight.Check(cpu, null, Nehalem, Source, Source);

        Assert.Contains(problems, p => p.Contains("invtsc", StringComparison.Ordinal) && p.Contains("tsc-frequency", StringComparison.Ordinal));
    }
}
