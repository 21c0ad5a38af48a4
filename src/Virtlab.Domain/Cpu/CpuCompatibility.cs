namespace Virtlab.Domain.Cpu;

/// <summary>
/// Our own x86 CPU compatibility logic (QEMU has no x86 <c>query-cpu-model-comparison</c>, and
/// libvirt keeps its own CPU map): whether a host can run a CPU, by feature sets in Linux's
/// spelling (<see cref="X86FeatureNames"/>). Pure: the engine supplies the sets. The migration
/// preflight calls it as a hook: host-passthrough only to an identical host CPU (libvirt's rule),
/// a named model only where the destination provides every feature it needs.
/// </summary>
public static class CpuCompatibility
{
    /// <summary>Can a host with <paramref name="hostFeatures"/> run a CPU that needs <paramref name="cpuFeatures"/>?</summary>
    public static CpuComparison Compare(IEnumerable<string> cpuFeatures, IEnumerable<string> hostFeatures)
    {
        ArgumentNullException.ThrowIfNull(cpuFeatures);
        ArgumentNullException.ThrowIfNull(hostFeatures);
        var cpu = cpuFeatures.ToHashSet(StringComparer.Ordinal);
        var host = hostFeatures.ToHashSet(StringComparer.Ordinal);
        var missing = cpu.Except(host).Order(StringComparer.Ordinal).ToList();
        var extra = host.Except(cpu).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            return new(CpuCompareResult.Incompatible, missing, extra,
                $"the host lacks {missing.Count} feature(s) the CPU needs: {string.Join(", ", missing)}");
        }

        return extra.Count == 0
            ? new(CpuCompareResult.Identical, missing, extra, "the host offers exactly the CPU's features")
            : new(CpuCompareResult.Superset, missing, extra, $"the host offers every feature the CPU needs, and {extra.Count} more");
    }

    /// <summary>
    /// host-passthrough: the guest sees the source host's CPU as it is, so only an identical CPU
    /// (vendor, family, model, stepping and features) can take it.
    /// </summary>
    public static CpuComparison CompareHostPassthrough(HostCpuIdentity source, HostCpuIdentity destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        var features = Compare(source.Features, destination.Features);
        var sameModel = source.Vendor == destination.Vendor && source.Family == destination.Family &&
                        source.Model == destination.Model && source.Stepping == destination.Stepping;
        if (sameModel && features.Result == CpuCompareResult.Identical)
        {
            return features with { Reason = "the destination CPU is identical (host-passthrough may migrate)" };
        }

        var why = sameModel
            ? features.Result == CpuCompareResult.Incompatible
                ? $"it lacks {string.Join(", ", features.Missing)}"
                : $"it has other features ({string.Join(", ", features.Extra.Take(8))})"
            : $"it is {destination.Vendor} family {destination.Family} model {destination.Model} stepping {destination.Stepping}, " +
              $"the source {source.Vendor} family {source.Family} model {source.Model} stepping {source.Stepping}";
        return new(CpuCompareResult.Incompatible, features.Missing, features.Extra,
            $"host-passthrough migrates only to an identical host CPU, and the destination's differs: {why}; use a named CPU model both hosts provide (cpu-baseline)");
    }

    /// <summary>
    /// libvirt's cpu-baseline: the features every one of the hosts offers (their intersection),
    /// the largest CPU that can run on all of them.
    /// </summary>
    public static IReadOnlySet<string> Baseline(IEnumerable<IEnumerable<string>> hosts)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        HashSet<string>? common = null;
        foreach (var h in hosts)
        {
            if (common is null)
            {
                common = h.ToHashSet(StringComparer.Ordinal);
            }
            else
            {
                common.IntersectWith(h);
            }
        }

        return common ?? [];
    }

    /// <summary>
    /// The best named model for a baseline: among <paramref name="models"/> (name → features),
    /// the one whose features all lie in <paramref name="baseline"/> and that has the most of them.
    /// </summary>
    public static string? BestModel(IReadOnlySet<string> baseline, IEnumerable<KeyValuePair<string, IReadOnlySet<string>>> models)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(models);
        return models
            .Where(m => m.Value.Count > 0 && m.Value.IsSubsetOf(baseline))
            .OrderByDescending(m => m.Value.Count)
            .ThenBy(m => m.Key, StringComparer.Ordinal)
            .Select(m => m.Key)
            .FirstOrDefault();
    }
}
