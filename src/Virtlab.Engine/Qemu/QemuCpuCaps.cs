using Virtlab.Domain.Cpu;
using Virtlab.Domain.Definitions;
using Virtlab.Engine.Domains;
using Virtlab.Qmp;

namespace Virtlab.Engine.Qemu;

/// <summary>
/// What this QEMU and accelerator can give a guest's CPU, probed once per daemon: every model of
/// <c>query-cpu-definitions</c> with the features the accelerator cannot provide, each model's
/// static feature set (QEMU names), the feature names QEMU knows (the boolean properties of
/// <c>max</c>), those the accelerator can give (the ones <c>max</c> has on), and the machine types.
/// </summary>
public sealed record QemuCpuCaps(
    string Accel,
    IReadOnlyList<CpuDefinitionInfo> Models,
    IReadOnlyDictionary<string, IReadOnlyList<string>> ModelFeatures,
    IReadOnlySet<string> KnownFeatures,
    IReadOnlySet<string> AccelFeatures,
    IReadOnlyList<MachineInfo> Machines)
{
    public static async Task<QemuCpuCaps> ProbeAsync(string qemuPath, string accel, string runDir, CancellationToken cancellationToken) =>
        await QemuProbe.RunAsync(qemuPath, accel, runDir, async qmp =>
        {
            var models = await qmp.QueryCpuDefinitionsAsync(cancellationToken).ConfigureAwait(false);
            var machines = await qmp.QueryMachinesAsync(cancellationToken).ConfigureAwait(false);
            var max = await qmp.QueryCpuModelExpansionAsync("full", "max", null, cancellationToken).ConfigureAwait(false);
            var features = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            foreach (var m in models.Where(m => m.Name is not ("host" or "max" or "base")))
            {
                try
                {
                    var e = await qmp.QueryCpuModelExpansionAsync("static", m.Name, null, cancellationToken).ConfigureAwait(false);
                    features[m.Name] = e.EnabledFeatures;
                }
                catch (QmpCommandException)
                {
                    // A model this accelerator cannot expand: it has no feature set here.
                }
            }

            return new QemuCpuCaps(
                accel,
                models.OrderBy(m => m.Name, StringComparer.Ordinal).ToList(),
                features,
                max.AllFeatures.ToHashSet(StringComparer.Ordinal),
                max.EnabledFeatures.ToHashSet(StringComparer.Ordinal),
                machines);
        }, cancellationToken).ConfigureAwait(false);

    public CpuDefinitionInfo? Find(string model) => Models.FirstOrDefault(m => m.Name == model);

    /// <summary>QEMU accepts a feature under its own name and with '_' for '-' or '.' (sse4_2, lahf_lm): the canonical name, or null if unknown.</summary>
    public string? Canonical(string feature)
    {
        foreach (var candidate in new[] { feature, feature.Replace('_', '-'), feature.Replace('_', '.') })
        {
            if (KnownFeatures.Contains(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>The model's features in Linux's spelling (the ones /proc/cpuinfo can show).</summary>
    public IReadOnlySet<string> LinuxFeatures(string model) =>
        ModelFeatures.TryGetValue(model, out var f) ? X86FeatureNames.ToLinux(f) : new HashSet<string>();

    /// <summary>
    /// The host CPU flags (Linux names) a guest CPU needs under KVM: its model's, plus required features, minus disabled
    /// ones; null for host-passthrough, which is whatever the host has. The one rule cpu-compare and the cluster's
    /// placement share.
    /// </summary>
    public HashSet<string>? RequiredHostFlags(CpuDefinition cpu)
    {
        ArgumentNullException.ThrowIfNull(cpu);
        if (cpu.Mode is CpuMode.HostPassthrough)
        {
            return null;
        }

        var model = cpu.Mode switch { CpuMode.Custom => cpu.Model!, CpuMode.HostModel => "max", _ => "qemu64" };
        if (Find(model) is null)
        {
            throw UnknownModel(model);
        }

        var required = LinuxFeatures(model).ToHashSet(StringComparer.Ordinal);
        foreach (var f in cpu.Features)
        {
            if (X86FeatureNames.ToLinux(Canonical(f.Name) ?? f.Name) is not { } linux)
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

        return required;
    }

    /// <summary>An unknown model's error, with the nearest name this QEMU knows.</summary>
    public VirtlabException UnknownModel(string model)
    {
        var near = NameSuggestion.Closest(model, Models.Select(m => m.Name));
        return new VirtlabException(
            ErrorKind.InvalidInput,
            $"unknown CPU model '{model}'{(near is null ? string.Empty : $": did you mean '{near}'?")} ('virtlab cpu-models' lists them)");
    }
}
