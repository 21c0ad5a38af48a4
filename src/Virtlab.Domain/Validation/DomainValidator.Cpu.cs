using System.Globalization;
using Virtlab.Domain.Cpu;
using Virtlab.Domain.Definitions;

namespace Virtlab.Domain.Validation;

public static partial class DomainValidator
{
    private static void ValidateCpu(DomainDefinition d, List<ValidationError> errors)
    {
        var cpu = d.Cpu;
        if (cpu is null)
        {
            errors.Add(new(DomainPaths.Cpu, "the CPU is missing: leave it out for QEMU's default model"));
            return;
        }

        switch (cpu.Mode)
        {
            case CpuMode.Custom when cpu.Model is null:
                errors.Add(new(DomainPaths.CpuModel, "custom mode needs a model, e.g. Nehalem, SandyBridge or qemu64"));
                break;
            case CpuMode.Custom:
                if (CpuNames.ValidateModelName(cpu.Model) is { } modelError)
                {
                    errors.Add(new(DomainPaths.CpuModel, modelError));
                }

                break;
            case CpuMode.HostPassthrough or CpuMode.HostModel or CpuMode.Default when cpu.Model is not null:
                errors.Add(new(DomainPaths.CpuModel,
                    $"{ModeName(cpu.Mode)} takes no model ('{cpu.Model}'): remove the model, or use custom mode to name one"));
                break;
            case CpuMode.HostPassthrough or CpuMode.HostModel or CpuMode.Default:
                break;
            default:
                errors.Add(new(DomainPaths.CpuMode, $"{cpu.Mode} is not a CPU mode: use host-passthrough, host-model or custom"));
                break;
        }

        if (cpu.Fallback == CpuFallback.Forbid && cpu.Mode is not (CpuMode.Custom or CpuMode.HostModel))
        {
            errors.Add(new(DomainPaths.CpuFallback,
                $"fallback='forbid' applies only to custom and host-model CPUs, not to {ModeName(cpu.Mode)}: leave it at allow"));
        }
        else if (!Enum.IsDefined(cpu.Fallback))
        {
            errors.Add(new(DomainPaths.CpuFallback, $"{cpu.Fallback} is not a fallback: use allow or forbid"));
        }

        if (cpu.Mode == CpuMode.HostPassthrough && d.Accel == AccelMode.Tcg)
        {
            errors.Add(new(DomainPaths.CpuMode,
                "host-passthrough needs KVM, but the accelerator is TCG: name a model (e.g. Nehalem) or use accel kvm or auto"));
        }

        if (cpu.Mode == CpuMode.Default && cpu.Features.Count > 0)
        {
            errors.Add(new(DomainPaths.CpuFeatures,
                "CPU features need a CPU mode: name a model (custom), or use host-model or host-passthrough"));
        }

        ValidateFeatures(cpu.Features, errors);
    }

    private static void ValidateFeatures(IReadOnlyList<CpuFeature> features, List<ValidationError> errors)
    {
        var firstIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < features.Count; i++)
        {
            var feature = features[i];
            if (feature is null)
            {
                errors.Add(new(DomainPaths.CpuFeature(i), "an empty feature entry: remove it"));
                continue;
            }

            if (CpuNames.ValidateFeatureName(feature.Name) is { } nameError)
            {
                errors.Add(new(DomainPaths.CpuFeatureName(i), nameError));
            }
            else if (firstIndex.TryGetValue(feature.Name, out var first))
            {
                errors.Add(new(DomainPaths.CpuFeature(i),
                    string.Create(CultureInfo.InvariantCulture, $"'{feature.Name}' is already listed as feature {first + 1}: list each feature once, with one policy")));
            }
            else
            {
                firstIndex[feature.Name] = i;
            }

            if (!Enum.IsDefined(feature.Policy))
            {
                errors.Add(new(DomainPaths.CpuFeature(i) + ".policy",
                    $"{feature.Policy} is not a feature policy: use force, require, optional, disable or forbid"));
            }
        }
    }

    private static string ModeName(CpuMode mode) => mode switch
    {
        CpuMode.HostPassthrough => "host-passthrough",
        CpuMode.HostModel => "host-model",
        CpuMode.Custom => "custom",
        _ => "the default CPU",
    };
}
