using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Virtlab.Lab.Scenarios;

/// <summary>
/// The four axes of the VM matrix and the forms of their values, as <c>virtlab create</c> takes them:
/// <c>cpu</c> (a model), <c>vcpus</c> (<c>N</c> or <c>N,maxvcpus=M</c>), <c>memory</c> (<c>SIZE</c> or
/// <c>SIZE,maxmemory=SIZE</c>), <c>accel</c> (<c>auto</c>, <c>kvm</c>, <c>tcg</c>).
/// </summary>
public static class WorldAxes
{
    public const string Cpu = "cpu";
    public const string Vcpus = "vcpus";
    public const string Memory = "memory";
    public const string Accel = "accel";

    /// <summary>The axes in the matrix's order.</summary>
    public static IReadOnlyList<string> All { get; } = [Cpu, Vcpus, Memory, Accel];

    /// <summary>The accelerators a VM world may name.</summary>
    public static IReadOnlyList<string> Accelerators { get; } = ["auto", "kvm", "tcg"];

    /// <summary>An axis's value when the scenario gives none (and an include row's, when its axis is empty).</summary>
    public static string Default(string axis) => axis switch
    {
        Cpu => "max",
        Vcpus => "1",
        Memory => "256M",
        Accel => "auto",
        _ => throw new ArgumentOutOfRangeException(nameof(axis), axis, "not an axis"),
    };

    /// <summary>Whether <paramref name="value"/> is a valid value of <paramref name="axis"/>, and why not.</summary>
    public static bool TryValidate(string axis, string value, [NotNullWhen(false)] out string? error)
    {
        switch (axis)
        {
            case Cpu:
                error = value.Trim().Length == 0 ? "a CPU model cannot be empty" : null;
                return error is null;
            case Vcpus:
                return TryParseVcpus(value, out _, out _, out error);
            case Memory:
                return TryParseMemory(value, out _, out _, out error);
            case Accel:
                error = Accelerators.Contains(value, StringComparer.OrdinalIgnoreCase)
                    ? null
                    : $"'{value}' is not an accelerator: use auto, kvm or tcg";
                return error is null;
            default:
                error = $"'{axis}' is not an axis: the axes are {string.Join(", ", All)}";
                return false;
        }
    }

    /// <summary>Reads "N" or "N,maxvcpus=M" (M ≥ N ≥ 1); <paramref name="max"/> is null without maxvcpus.</summary>
    public static bool TryParseVcpus(string value, out int count, out int? max, [NotNullWhen(false)] out string? error)
    {
        const string form = "the form is N or N,maxvcpus=M with M ≥ N ≥ 1, e.g. '2' or '2,maxvcpus=4'";
        max = null;
        var parts = value.Trim().Split(',');
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 1)
        {
            error = $"'{value}' is not a vCPU count: {form}";
            return false;
        }

        if (parts.Length > 2 || (parts.Length == 2 && !parts[1].StartsWith("maxvcpus=", StringComparison.Ordinal)))
        {
            error = $"'{value}' is not understood: {form}";
            return false;
        }

        if (parts.Length == 2)
        {
            if (!int.TryParse(parts[1]["maxvcpus=".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var m) || m < count)
            {
                error = $"'{value}': maxvcpus must be a whole number at least {count}: {form}";
                return false;
            }

            max = m;
        }

        error = null;
        return true;
    }

    /// <summary>Reads "SIZE" or "SIZE,maxmemory=SIZE" (the maximum at least the size) into KiB.</summary>
    public static bool TryParseMemory(string value, out long kib, out long? maxKib, [NotNullWhen(false)] out string? error)
    {
        const string form = "the form is SIZE or SIZE,maxmemory=SIZE, e.g. '256M' or '256M,maxmemory=1G'";
        maxKib = null;
        var parts = value.Trim().Split(',');
        if (!LabSizes.TryParse(parts[0], out kib, out var sizeError))
        {
            error = $"{sizeError} ({form})";
            return false;
        }

        if (parts.Length > 2 || (parts.Length == 2 && !parts[1].StartsWith("maxmemory=", StringComparison.Ordinal)))
        {
            error = $"'{value}' is not understood: {form}";
            return false;
        }

        if (parts.Length == 2)
        {
            if (!LabSizes.TryParse(parts[1]["maxmemory=".Length..], out var m, out var maxError))
            {
                error = $"maxmemory: {maxError}";
                return false;
            }

            if (m < kib)
            {
                error = $"'{value}': maxmemory is below the memory";
                return false;
            }

            maxKib = m;
        }

        error = null;
        return true;
    }

    /// <summary>"vm-nehalem-2v4-256m-1g-auto": lower case, ",maxvcpus=" as v, ",maxmemory=" as -, anything else not [a-z0-9-] as -.</summary>
    public static string Id(string cpu, string vcpus, string memory, string accel)
    {
        var raw = $"vm-{cpu}-{vcpus.Replace(",maxvcpus=", "v", StringComparison.Ordinal)}-{memory.Replace(",maxmemory=", "-", StringComparison.Ordinal)}-{accel}";
        var id = new StringBuilder(raw.Length);
        foreach (var c in raw.ToLowerInvariant())
        {
            id.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' ? c : '-');
        }

        return id.ToString();
    }

    /// <summary>"Nehalem · 2 vCPUs (max 4) · 256 MiB (max 1 GiB) · auto".</summary>
    public static string Label(string cpu, string vcpus, string memory, string accel)
    {
        var cpus = TryParseVcpus(vcpus, out var n, out var max, out _)
            ? (n == 1 ? "1 vCPU" : $"{n} vCPUs") + (max is { } m ? $" (max {m})" : string.Empty)
            : vcpus;
        var mem = TryParseMemory(memory, out var kib, out var maxKib, out _)
            ? LabSizes.Format(kib) + (maxKib is { } mk ? $" (max {LabSizes.Format(mk)})" : string.Empty)
            : memory;
        return $"{cpu} · {cpus} · {mem} · {accel}";
    }
}
