using System.Diagnostics.CodeAnalysis;
using Virtlab.Domain.Definitions;

namespace Virtlab.Domain.Cpu;

/// <summary>
/// The command-line form of a CPU, as in <c>virt-install --cpu</c> and QEMU's <c>-cpu</c>:
/// <c>MODEL[,+feat][,-feat][,feat=on|off]</c>.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>host-passthrough</c> or <c>host</c>: <see cref="CpuMode.HostPassthrough"/>;
/// <c>host-model</c>: <see cref="CpuMode.HostModel"/>; <c>default</c>: QEMU's default model
/// (no features); any other name: <see cref="CpuMode.Custom"/> with that model.</item>
/// <item><c>+feat</c> and <c>feat=on</c> require a feature; <c>-feat</c> and <c>feat=off</c>
/// disable it; <c>feat=force|require|optional|disable|forbid</c> gives libvirt's policy.</item>
/// </list>
/// Only syntax is checked here: whether QEMU knows the model is the engine's question.
/// </remarks>
public static class CpuSpec
{
    private const string Form = "write MODEL[,+feature,-feature,feature=on|off], e.g. SandyBridge,-x2apic or host-passthrough";

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says what is wrong and what to write.</summary>
    public static bool TryParse(
        string? text,
        [NotNullWhen(true)] out CpuDefinition? cpu,
        [NotNullWhen(false)] out string? error)
    {
        cpu = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = $"an empty CPU: {Form}";
            return false;
        }

        var parts = text.Trim().Split(',');
        var model = parts[0];
        if (model.Length > 0 && model[0] is '+' or '-')
        {
            error = $"'{text.Trim()}' starts with a feature: start with a model, e.g. Nehalem,{model} or host-passthrough,{model}";
            return false;
        }

        var (mode, modelName) = model switch
        {
            "host-passthrough" or "host" => (CpuMode.HostPassthrough, null),
            "host-model" => (CpuMode.HostModel, null),
            "default" => (CpuMode.Default, null),
            _ => (CpuMode.Custom, model),
        };
        if (modelName is not null && CpuNames.ValidateModelName(modelName) is { } modelError)
        {
            error = $"{modelError}; {Form}";
            return false;
        }

        var features = new List<CpuFeature>();
        for (var i = 1; i < parts.Length; i++)
        {
            if (!TryParseFeature(parts[i], out var feature, out error))
            {
                return false;
            }

            features.Add(feature);
        }

        if (mode == CpuMode.Default && features.Count > 0)
        {
            error = "the default CPU takes no features: name a model (e.g. qemu64,+avx) or use host-passthrough";
            return false;
        }

        cpu = new CpuDefinition { Mode = mode, Model = modelName, Features = features };
        error = null;
        return true;
    }

    /// <summary>Like <see cref="TryParse"/>, but throws <see cref="FormatException"/> with the same message.</summary>
    public static CpuDefinition Parse(string text) =>
        TryParse(text, out var cpu, out var error) ? cpu : throw new FormatException(error);

    /// <summary>
    /// The command-line form of <paramref name="cpu"/> (e.g. <c>Nehalem,+avx,-vmx,pcid=optional</c>).
    /// The model's fallback policy has no command-line form and is left out.
    /// </summary>
    public static string Format(CpuDefinition cpu)
    {
        ArgumentNullException.ThrowIfNull(cpu);
        var head = cpu.Mode switch
        {
            CpuMode.HostPassthrough => "host-passthrough",
            CpuMode.HostModel => "host-model",
            CpuMode.Custom => cpu.Model ?? "",
            _ => "default",
        };
        return string.Join(',', cpu.Features.Select(FormatFeature).Prepend(head));
    }

    private static string FormatFeature(CpuFeature feature) => feature.Policy switch
    {
        CpuFeaturePolicy.Require => "+" + feature.Name,
        CpuFeaturePolicy.Disable => "-" + feature.Name,
        _ => $"{feature.Name}={PolicyName(feature.Policy)}",
    };

    private static string PolicyName(CpuFeaturePolicy policy) => policy.ToString().ToLowerInvariant();

    private static bool TryParseFeature(
        string part,
        [NotNullWhen(true)] out CpuFeature? feature,
        [NotNullWhen(false)] out string? error)
    {
        feature = null;
        if (part.Length == 0)
        {
            error = $"an empty feature between commas: {Form}";
            return false;
        }

        string name;
        CpuFeaturePolicy policy;
        if (part[0] is '+' or '-')
        {
            name = part[1..];
            policy = part[0] == '+' ? CpuFeaturePolicy.Require : CpuFeaturePolicy.Disable;
        }
        else if (part.IndexOf('=', StringComparison.Ordinal) is var eq and >= 0)
        {
            name = part[..eq];
            var value = part[(eq + 1)..];
            CpuFeaturePolicy? parsed = value switch
            {
                "on" => CpuFeaturePolicy.Require,
                "off" => CpuFeaturePolicy.Disable,
                "force" => CpuFeaturePolicy.Force,
                "require" => CpuFeaturePolicy.Require,
                "optional" => CpuFeaturePolicy.Optional,
                "disable" => CpuFeaturePolicy.Disable,
                "forbid" => CpuFeaturePolicy.Forbid,
                _ => null,
            };
            if (parsed is not { } p)
            {
                error = $"'{part}': '{value}' is not a feature setting: use on or off (or force, require, optional, disable, forbid)";
                return false;
            }

            policy = p;
        }
        else
        {
            error = $"'{part}' does not say what to do with the feature: write +{part} to require it or -{part} to disable it";
            return false;
        }

        if (CpuNames.ValidateFeatureName(name) is { } nameError)
        {
            error = nameError;
            return false;
        }

        feature = new CpuFeature(name, policy);
        error = null;
        return true;
    }
}
