using Virtlab.Domain.Definitions;

namespace Virtlab.Engine.Migration;

/// <summary>
/// The basic checks: the name is free on the destination, the kernel/image is present there, and a
/// host-passthrough guest only moves between hosts with the same CPU model and feature flags
/// (a guest that saw a flag must not lose it). PMU and invtsc: a guest with <c>pmu=on</c> or
/// <c>invtsc</c> needs the same host CPU too (its counters and TSC frequency come from the host).
/// </summary>
public sealed class BasicMigrationPreflight : IMigrationPreflight
{
    public IReadOnlyList<string> Check(MigrationPreflightContext context)
    {
        var def = context.Definition;
        var problems = new List<string>();
        if (context.NameTaken(def.Name))
        {
            problems.Add($"a domain named '{def.Name}' already exists on the destination: undefine it there first");
        }

        if (context.ImageProblem(def) is { } image)
        {
            problems.Add(image);
        }

        var needsSameCpu = def.Cpu.Mode == CpuMode.HostPassthrough || def.Pmu == true ||
            def.Cpu.Features.Any(f => f.Name == "invtsc" && f.Policy is CpuFeaturePolicy.Require or CpuFeaturePolicy.Force);
        if (needsSameCpu)
        {
            var src = context.SourceCpu;
            var dst = context.DestinationCpu;
            if (src.Vendor != dst.Vendor || src.ModelName != dst.ModelName || src.Family != dst.Family || src.Model != dst.Model)
            {
                problems.Add($"the guest sees the host CPU (host-passthrough, pmu or invtsc) and the CPUs differ: source '{src.ModelName}', destination '{dst.ModelName}': use a named CPU model (--cpu Haswell) to migrate between different hosts");
            }
            else
            {
                var missing = src.Flags.Except(dst.Flags, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                if (missing.Count > 0)
                {
                    problems.Add($"the destination CPU lacks flags the guest may use: {string.Join(' ', missing.Take(12))}");
                }
            }
        }

        return problems;
    }
}
