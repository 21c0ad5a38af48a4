using Virtlab.Domain.Definitions;

namespace Virtlab.Domain.Cpu;

/// <summary>
/// The CPU, PMU and TSC rules a live migration must pass before it starts, each with the reason
/// for the error. Pure: the caller gives the model's features and both hosts' CPUs.
/// </summary>
public static class MigrationCpuPreflight
{
    /// <summary>Every reason the domain's CPU cannot move to <paramref name="destination"/>; empty when it can.</summary>
    /// <param name="cpu">The domain's CPU definition.</param>
    /// <param name="pmu">The domain's &lt;pmu state&gt; (null: QEMU's default).</param>
    /// <param name="modelFeatures">The named model's features in Linux spelling (ignored for host-passthrough).</param>
    /// <param name="source">The source host's CPU.</param>
    /// <param name="destination">The destination host's CPU.</param>
    public static IReadOnlyList<string> Check(
        CpuDefinition cpu,
        bool? pmu,
        IReadOnlySet<string> modelFeatures,
        HostCpuIdentity source,
        HostCpuIdentity destination)
    {
        ArgumentNullException.ThrowIfNull(cpu);
        ArgumentNullException.ThrowIfNull(modelFeatures);
        var problems = new List<string>();
        var passthrough = CpuCompatibility.CompareHostPassthrough(source, destination);
        if (cpu.Mode == CpuMode.HostPassthrough)
        {
            if (passthrough.Result != CpuCompareResult.Identical)
            {
                problems.Add(passthrough.Reason);
            }
        }
        else
        {
            var required = modelFeatures.ToHashSet(StringComparer.Ordinal);
            foreach (var f in cpu.Features)
            {
                if (X86FeatureNames.ToLinux(f.Name) is not { } linux)
                {
                    continue;
                }

                if (f.Policy is CpuFeaturePolicy.Require or CpuFeaturePolicy.Force)
                {
                    required.Add(linux);
                }
                else if (f.Policy is CpuFeaturePolicy.Disable or CpuFeaturePolicy.Forbid)
                {
                    required.Remove(linux);
                }
            }

            var c = CpuCompatibility.Compare(required, destination.Features);
            if (c.Result == CpuCompareResult.Incompatible)
            {
                problems.Add($"the destination cannot run this CPU: {c.Reason}");
            }
        }

        if (pmu == true && cpu.Mode == CpuMode.HostPassthrough && passthrough.Result != CpuCompareResult.Identical)
        {
            problems.Add("the guest uses the host's PMU (host-passthrough with pmu on): non-architectural events exist and are programmed per CPU model, so it migrates only to an identical CPU model");
        }

        if (cpu.Features.Any(f => f.Name == "invtsc" && f.Policy is CpuFeaturePolicy.Require or CpuFeaturePolicy.Force))
        {
            problems.Add("the CPU has invtsc (invariant TSC) without a fixed tsc-frequency: QEMU blocks its migration, since the destination's TSC may run at another rate");
        }

        return problems;
    }
}
