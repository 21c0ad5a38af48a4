using Virtlab.Domain.Definitions;

namespace Virtlab.Engine.Qemu;

/// <summary>The features a domain's CPU names that this accelerator will not give (QEMU would drop them with a warning).</summary>
public static class AccelDroppedFeatures
{
    public static List<string> Of(CpuDefinition cpu, QemuCpuCaps caps)
    {
        ArgumentNullException.ThrowIfNull(cpu);
        ArgumentNullException.ThrowIfNull(caps);
        var disabled = cpu.Features.Where(f => f.Policy is CpuFeaturePolicy.Disable or CpuFeaturePolicy.Forbid)
            .Select(f => caps.Canonical(f.Name) ?? f.Name).ToHashSet(StringComparer.Ordinal);
        var model = cpu.Mode switch { CpuMode.Custom => cpu.Model, _ => null };
        var dropped = (model is not null ? caps.Find(model)?.UnavailableFeatures ?? [] : [])
            .Where(f => !disabled.Contains(f)).ToList();
        dropped.AddRange(cpu.Features
            .Where(f => f.Policy is CpuFeaturePolicy.Require or CpuFeaturePolicy.Force or CpuFeaturePolicy.Optional)
            .Select(f => caps.Canonical(f.Name) ?? f.Name)
            .Where(f => !caps.AccelFeatures.Contains(f)));
        return dropped.Distinct(StringComparer.Ordinal).ToList();
    }
}
