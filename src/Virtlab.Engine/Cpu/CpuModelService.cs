using Virtlab.Api;
using Virtlab.Domain.Cpu;
using Virtlab.Domain.Definitions;
using Virtlab.Domain.Validation;
using Virtlab.Domain.Xml;
using Virtlab.Engine.Domains;
using Virtlab.Engine.Guest;
using Virtlab.Engine.Host;
using Virtlab.Engine.Qemu;

namespace Virtlab.Engine.Cpu;

/// <summary>
/// CPU models (query-cpu-definitions / query-cpu-model-expansion on a probing QEMU), the guest's
/// CPU against the host's, and our own x86 compatibility checks (docs/CPU-MODELS.md).
/// </summary>
public sealed class CpuModelService(EngineContext context)
{
    /// <summary>cpu-models: every model, with the features this accelerator cannot give it.</summary>
    public async Task<CpuModelList> CpuModelListAsync(bool usableOnly, CancellationToken cancellationToken)
    {
        var caps = await context.CpuCaps.GetAsync(cancellationToken).ConfigureAwait(false);
        var models = caps.Models
            .Select(m => new CpuModelInfo(
                m.Name, m.AliasOf, m.UnavailableFeatures is { Count: 0 }, m.UnavailableFeatures ?? [], m.Static, m.Deprecated, m.MigrationSafe,
                caps.ModelFeatures.TryGetValue(m.Name, out var f) ? f.Count : null))
            .Where(m => !usableOnly || m.Usable)
            .ToList();
        return new CpuModelList(caps.Accel, context.Qemu.Version.ToString(), models);
    }

    /// <summary>cpu-model-expand: query-cpu-model-expansion, static and full.</summary>
    public async Task<CpuModelExpansionReply> CpuModelExpandAsync(string model, CancellationToken cancellationToken)
    {
        var caps = await context.CpuCaps.GetAsync(cancellationToken).ConfigureAwait(false);
        var info = caps.Find(model) ?? throw caps.UnknownModel(model);
        var dir = Path.Combine(context.Paths.RunRoot, $".expand-{Environment.ProcessId}-{Environment.TickCount64}");
        return await QemuProbe.RunAsync(context.Qemu.Path, caps.Accel, dir, async qmp =>
        {
            var st = await qmp.QueryCpuModelExpansionAsync("static", model, null, cancellationToken).ConfigureAwait(false);
            var full = await qmp.QueryCpuModelExpansionAsync("full", model, null, cancellationToken).ConfigureAwait(false);
            return new CpuModelExpansionReply(
                model, caps.Accel, st.Name, st.EnabledFeatures, full.EnabledFeatures, full.Props.Count, info.UnavailableFeatures ?? []);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>guest-cpuinfo: the guest's /proc/cpuinfo (through its agent) against the host's.</summary>
    public async Task<GuestCpuInfo> GuestCpuInfoAsync(string name, CancellationToken cancellationToken)
    {
        var domain = context.GetRunning(name);
        var text = (await GuestAgent.RunAsync(domain, "/bin/cat", ["/proc/cpuinfo"], context.Options.AgentCommandTimeout, cancellationToken).ConfigureAwait(false)).Stdout;
        var guest = HostCpu.Parse(text.Split('\n'));
        var host = HostCpu.Read();
        var diff = CpuFlagDiff.Compute(host.Flags, guest.Flags);
        IReadOnlyList<string> dropped = [];
        try
        {
            dropped = AccelDroppedFeatures.Of(domain.Definition.Cpu, await context.CpuCaps.GetAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (VirtlabException e)
        {
            context.Log?.Invoke($"guest-cpuinfo {name}: no CPU model data: {e.Message}");
        }

        return new GuestCpuInfo(
            name, CpuSpec.Format(domain.Definition.Cpu) is "default" ? "qemu64" : CpuSpec.Format(domain.Definition.Cpu), domain.Accel.Name,
            guest.ModelName, guest.Vendor, guest.Family, guest.Model, guest.Stepping, guest.Flags,
            host.ModelName, host.Flags, diff.Missing, diff.Added, diff.HostIsVirtual, dropped);
    }

    /// <summary>cpu-compare: can this host run the CPU of a domain, an XML &lt;cpu&gt;/&lt;domain&gt;, or a model?</summary>
    public async Task<CpuCompareReply> CpuCompareAsync(CpuCompareRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.HostUri is { } uri && uri is not ("local" or "localhost" or "qemu:///system" or "virtlab:///local"))
        {
            throw new VirtlabException(
                ErrorKind.Unsupported,
                $"cpu-compare --host {uri}: only this host can be asked for now; compare against another host's CPU with 'virtlab cpu-baseline host OTHER-HOST-CPUINFO'");
        }

        var (subject, cpu) = request switch
        {
            { Domain: { } d } => ($"domain '{d}'", context.GetDefinition(d).Cpu),
            { Model: { } m } => ($"model {m}", new CpuDefinition { Mode = CpuMode.Custom, Model = m }),
            { Xml: { } x } => ("the XML file", ParseCpuXml(x)),
            _ => throw new VirtlabException(ErrorKind.InvalidInput, "cpu-compare: give a domain, a file with libvirt <cpu> or <domain> XML, or --model MODEL"),
        };
        var host = HostCpu.Read();
        var hostName = $"{host.ModelName} ({host.Vendor} family {host.Family} model {host.Model})";
        if (cpu.Mode is CpuMode.HostPassthrough)
        {
            var id = new HostCpuIdentity(host.Vendor, host.Family, host.Model, host.Stepping, host.Flags);
            var c = CpuCompatibility.CompareHostPassthrough(id, id);
            return new CpuCompareReply(subject, hostName, c.Result.ToString(), c.Missing, c.Extra,
                "host-passthrough is this host's own CPU; it migrates only to an identical one");
        }

        var caps = await context.CpuCaps.GetAsync(cancellationToken).ConfigureAwait(false);
        var required = caps.RequiredHostFlags(cpu);
        var result = CpuCompatibility.Compare(required!, host.Flags);
        return new CpuCompareReply(subject, hostName, result.Result.ToString(), result.Missing, result.Extra, result.Reason)
        {
            Note = caps.Accel == "kvm"
                ? null
                : $"guests here run under {caps.Accel}, which emulates the CPU, so they run even so; this comparison is what KVM, which runs guest code on the host CPU, needs",
        };
    }

    /// <summary>cpu-baseline: the features every given host offers, the largest model within them, and the CPU to define.</summary>
    public async Task<CpuBaselineReply> CpuBaselineAsync(CpuBaselineRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Hosts is not { Count: > 0 })
        {
            throw new VirtlabException(ErrorKind.InvalidInput, "cpu-baseline: give at least one host CPU (a /proc/cpuinfo copy, or 'host' for this one)");
        }

        var hosts = request.Hosts.Select(h => h.Trim() == "host" ? HostCpu.Read().Flags : FeaturesOf(h)).ToList();
        var baseline = CpuCompatibility.Baseline(hosts);
        var caps = await context.CpuCaps.GetAsync(cancellationToken).ConfigureAwait(false);
        var models = caps.Models
            .Where(m => m.Name != "base" && caps.ModelFeatures.ContainsKey(m.Name))
            .Select(m => new KeyValuePair<string, IReadOnlySet<string>>(m.Name, caps.LinuxFeatures(m.Name)));
        var best = CpuCompatibility.BestModel(baseline, models);

        // The baseline's features QEMU can name, beyond the model's: +feature on top of it.
        // Prefer QEMU's canonical spelling (the one static expansions use: sse4.2, lahf-lm) over its aliases.
        var canonical = caps.ModelFeatures.Values.SelectMany(f => f).ToHashSet(StringComparer.Ordinal);
        var qemuName = caps.KnownFeatures
            .Select(q => (Qemu: q, Linux: X86FeatureNames.ToLinux(q)))
            .Where(p => p.Linux is not null)
            .GroupBy(p => p.Linux!, StringComparer.Ordinal)
            .ToDictionary(
                g => g.Key,
                g => g.OrderBy(p => canonical.Contains(p.Qemu) ? 0 : 1).ThenBy(p => p.Qemu.Contains('_', StringComparison.Ordinal) ? 1 : 0).ThenBy(p => p.Qemu.Length).First().Qemu,
                StringComparer.Ordinal);
        var modelFeatures = best is null ? new HashSet<string>() : caps.LinuxFeatures(best);
        var extra = baseline.Where(f => !modelFeatures.Contains(f) && qemuName.ContainsKey(f) && f != "hypervisor")
            .Select(f => qemuName[f]).Order(StringComparer.Ordinal).ToList();
        var model = best ?? "qemu64";
        var spec = string.Join(',', extra.Select(f => "+" + f).Prepend(model));
        var xml = $"<cpu mode='custom' match='exact'>\n  <model fallback='forbid'>{model}</model>\n" +
                  string.Concat(extra.Select(f => $"  <feature policy='require' name='{f}'/>\n")) + "</cpu>\n";
        return new CpuBaselineReply(baseline.Order(StringComparer.Ordinal).ToList(), best, extra, spec, xml);
    }


    private static CpuDefinition ParseCpuXml(string xml)
    {
        var text = xml.TrimStart();
        if (text.StartsWith("<cpu", StringComparison.Ordinal))
        {
            text = $"<domain type='qemu'><name>cpu-compare</name><memory unit='MiB'>256</memory><os><type arch='x86_64'>hvm</type></os>{text}</domain>";
        }

        var parsed = LibvirtDomainXml.Parse(text);
        if (parsed.Definition is null)
        {
            throw new VirtlabException(parsed.Errors);
        }

        return parsed.Definition.Cpu;
    }

    /// <summary>A host CPU as text: a /proc/cpuinfo copy (its first flags line) or feature names separated by spaces, commas or lines.</summary>
    private static IReadOnlyList<string> FeaturesOf(string text)
    {
        var flagsLine = text.Split('\n').FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal) && l.Contains(':', StringComparison.Ordinal));
        var list = flagsLine is not null ? flagsLine[(flagsLine.IndexOf(':', StringComparison.Ordinal) + 1)..] : text;
        return list.Split([' ', ',', '\n', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
    }
}
