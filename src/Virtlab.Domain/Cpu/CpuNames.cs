namespace Virtlab.Domain.Cpu;

/// <summary>
/// The syntax of CPU model and feature names. Whether QEMU knows a name is the engine's question
/// (<c>query-cpu-definitions</c>); here only what can be written into a QEMU option safely.
/// </summary>
public static class CpuNames
{
    public const int MaxLength = 64;

    /// <summary>Null when <paramref name="model"/> can be a model name (<c>[A-Za-z0-9_.-]+</c>, e.g. "SandyBridge"); else why not.</summary>
    public static string? ValidateModelName(string? model)
    {
        if (string.IsNullOrEmpty(model))
        {
            return "a CPU model name is empty: give one such as Nehalem, SandyBridge or qemu64";
        }

        if (model.Length > MaxLength)
        {
            return $"CPU model name '{Show(model)}' is {model.Length} characters long: use at most {MaxLength}";
        }

        foreach (var c in model)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
            {
                return $"CPU model name '{Show(model)}' has {Describe(c)}: a model name has only letters, digits, '_', '.' and '-' (e.g. Skylake-Client)";
            }
        }

        if (!char.IsAsciiLetterOrDigit(model[0]))
        {
            return $"CPU model name '{Show(model)}' starts with '{model[0]}': start with a letter or digit";
        }

        return null;
    }

    /// <summary>Null when <paramref name="feature"/> can be a feature name (<c>[a-z0-9_.-]+</c>, e.g. "sse4.2", "tsc-deadline"); else why not.</summary>
    public static string? ValidateFeatureName(string? feature)
    {
        if (string.IsNullOrEmpty(feature))
        {
            return "a CPU feature name is empty: give one such as avx, x2apic or tsc-deadline";
        }

        if (feature.Length > MaxLength)
        {
            return $"CPU feature name '{Show(feature)}' is {feature.Length} characters long: use at most {MaxLength}";
        }

        if (feature.Any(char.IsAsciiLetterUpper) && ValidateFeatureName(feature.ToLowerInvariant()) is null)
        {
            return $"CPU feature name '{feature}' has upper-case letters: feature names are lower case ('{feature.ToLowerInvariant()}')";
        }

        foreach (var c in feature)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '.' or '-'))
            {
                return $"CPU feature name '{Show(feature)}' has {Describe(c)}: a feature name has only a-z, 0-9, '_', '.' and '-' (e.g. sse4.2)";
            }
        }

        return null;
    }

    private static string Describe(char c) => c switch
    {
        ' ' => "a space",
        ',' => "',' (which separates features: write MODEL,+feat,-feat)",
        _ when char.IsControl(c) => $"the control character U+{(int)c:X4}",
        _ => $"'{c}'",
    };

    private static string Show(string name) =>
        new(name.Take(MaxLength + 16).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
