using Virtlab.Api;
using Virtlab.Domain.Cpu;
using Virtlab.Domain.Definitions;
using Virtlab.Domain.Validation;
using Virtlab.Domain.Xml;
using Virtlab.Engine.Cpu;
using Virtlab.Engine.Host;

namespace Virtlab.Engine.Vms;

/// <summary>
/// CPU models (query-cpu-definitions / query-cpu-model-expansion on a probing QEMU), the guest's
/// CPU against the host's, and our own x86 compatibility checks (docs/CPU-MODELS.md).
/// </summary>
public sealed partial class VmManager
{
    private readonly Lock _cpuCapsLock = new();
    private Task<QemuCpuCaps>? _cpuCaps;

    /// <summary>What this QEMU and the default accelerator give a guest CPU; probed once (a QEMU with -machine none), then cached.</summary>
    public Task<QemuCpuCaps> CpuCapsAsync(CancellationToken cancellationToken)
    {
        lock (_cpuCapsLock)
        {
            if (_cpuCaps is null || _cpuCaps.IsFaulted || _cpuCaps.IsCanceled)
            {
                var accel = Accel.Select(AccelMode.Auto).Name;
                var dir = Path.Combine(Paths.RunRoot, $".probe-{Environment.ProcessId}");
                _cpuCaps = Task.Run(() => QemuCpuCaps.ProbeAsync(Qemu.Path, accel, dir, CancellationToken.None), CancellationToken.None);
            }

            return _cpuCaps.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Capabilities plus what needs a probing QEMU: the machine types.</summary>
    public async Task<CapabilitiesInfo> CapabilitiesAsync(CancellationToken cancellationToken)
    {
        var caps = Capabilities();
        try
        {
            var cpu = await CpuCapsAsync(cancellationToken).ConfigureAwait(false);
            return caps with
            {
                MachineTypes = cpu.Machines
                    .OrderBy(m => m.Name, StringComparer.Ordinal)
                    .Select(m => m.Alias is null ? m.Name : $"{m.Name} (alias {m.Alias}{(m.IsDefault == true ? ", default" : string.Empty)})")
                    .ToList(),
            };
        }
        catch (VirtlabException e)
        {
            Log?.Invoke($"capabilities: probing QEMU failed: {e.Message}");
            return caps;
        }
    }

    /// <summary>cpu-models: every model, with the features this accelerator cannot give it.</summary>
    public async Task<CpuModelList> CpuModelListAsync(bool usableOnly, CancellationToken cancellationToken)
    {
        var caps = await CpuCapsAsync(cancellationToken).ConfigureAwait(false);
        var models = caps.Models
            .Select(m => new CpuModelInfo(
                m.Name, m.AliasOf, m.UnavailableFeatures is { Count: 0 }, m.UnavailableFeatures ?? [], m.Static, m.Deprecated, m.MigrationSafe,
                caps.ModelFeatures.TryGetValue(m.Name, out var f) ? f.Count : null))
            .Where(m => !usableOnly || m.Usable)
            .ToList();
        return new CpuModelList(caps.Accel, Qemu.Version.ToString(), models);
    }

    /// <summary>cpu-model-expand: query-cpu-model-expansion, static and full.</summary>
    public async Task<CpuModelExpansionReply> CpuModelExpandAsync(string model, CancellationToken cancellationToken)
    {
        var caps = await CpuCapsAsync(cancellationToken).ConfigureAwait(false);
        var info = caps.Find(model) ?? throw UnknownModel(model, caps);
        var dir = Path.Combine(Paths.RunRoot, $".expand-{Environment.ProcessId}-{Environment.TickCount64}");
        return await QemuProbe.RunAsync(Qemu.Path, caps.Accel, dir, async qmp =>
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
        var vm = GetRunning(name);
        var text = (await GuestProgramAsync(vm, "/bin/cat", ["/proc/cpuinfo"], cancellationToken).ConfigureAwait(false)).Stdout;
        var guest = HostCpu.Parse(text.Split('\n'));
        var host = HostCpu.Read();
        var diff = CpuFlagDiff.Compute(host.Flags, guest.Flags);
        IReadOnlyList<string> dropped = [];
        try
        {
            dropped = DroppedByAccel(vm.Definition.Cpu, await CpuCapsAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (VirtlabException e)
        {
            Log?.Invoke($"guest-cpuinfo {name}: no CPU model data: {e.Message}");
        }

        return new GuestCpuInfo(
            name, CpuSpec.Format(vm.Definition.Cpu) is "default" ? "qemu64" : CpuSpec.Format(vm.Definition.Cpu), vm.Accel.Name,
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
            { Domain: { } d } => ($"domain '{d}'", GetDefinition(d).Cpu),
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

        var caps = await CpuCapsAsync(cancellationToken).ConfigureAwait(false);
        var model = cpu.Mode switch { CpuMode.Custom => cpu.Model!, CpuMode.HostModel => "max", _ => "qemu64" };
        if (caps.Find(model) is null)
        {
            throw UnknownModel(model, caps);
        }

        var required = caps.LinuxFeatures(model).ToHashSet(StringComparer.Ordinal);
        foreach (var f in cpu.Features)
        {
            if (X86FeatureNames.ToLinux(caps.Canonical(f.Name) ?? f.Name) is not { } linux)
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

        var result = CpuCompatibility.Compare(required, host.Flags);
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
        var caps = await CpuCapsAsync(cancellationToken).ConfigureAwait(false);
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

    /// <summary>The features a domain's CPU names that this accelerator will not give (QEMU would drop them with a warning).</summary>
    private static List<string> DroppedByAccel(CpuDefinition cpu, QemuCpuCaps caps)
    {
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

    /// <summary>
    /// Checks a domain's CPU against what this QEMU and accelerator can give: unknown models and
    /// features (with the closest name), required features the accelerator cannot give, and, with
    /// fallback='forbid', model features it would drop.
    /// </summary>
    private void ValidateCpuAgainstQemu(DomainDefinition def, List<ValidationError> problems)
    {
        if (def.Cpu.Mode is not (CpuMode.Custom or CpuMode.HostModel) || (def.Cpu.Features.Count == 0 && def.Cpu.Fallback == CpuFallback.Allow))
        {
            return;
        }

        QemuCpuCaps caps;
        try
        {
            caps = Task.Run(() => CpuCapsAsync(CancellationToken.None)).GetAwaiter().GetResult();
        }
        catch (VirtlabException e)
        {
            Log?.Invoke($"CPU features of '{def.Name}' not checked: probing QEMU failed: {e.Message}");
            return;
        }

        var cantGive = new List<string>();
        for (var i = 0; i < def.Cpu.Features.Count; i++)
        {
            var f = def.Cpu.Features[i];
            var canonical = caps.Canonical(f.Name);
            if (canonical is null)
            {
                var near = Suggest(f.Name, caps.KnownFeatures);
                problems.Add(new(DomainPaths.CpuFeatureName(i),
                    $"unknown CPU feature '{f.Name}'{(near is null ? string.Empty : $": did you mean '{near}'?")} ('virtlab cpu-model-expand max' lists the features)"));
            }
            else if (f.Policy is CpuFeaturePolicy.Require or CpuFeaturePolicy.Force && !caps.AccelFeatures.Contains(canonical))
            {
                cantGive.Add(f.Name);
            }
        }

        if (cantGive.Count > 0)
        {
            problems.Add(new(DomainPaths.CpuFeatures,
                $"{caps.Accel} cannot give the required feature(s) {string.Join(", ", cantGive)}: QEMU would drop them silently; remove them, or make them optional (feature=optional)"));
        }

        if (def.Cpu.Fallback == CpuFallback.Forbid && def.Cpu.Mode == CpuMode.Custom && def.Cpu.Model is { } model &&
            DroppedByAccel(def.Cpu with { Features = def.Cpu.Features.Where(f => f.Policy is CpuFeaturePolicy.Disable or CpuFeaturePolicy.Forbid).ToList() }, caps) is { Count: > 0 } dropped)
        {
            problems.Add(new(DomainPaths.CpuModel,
                $"{caps.Accel} cannot give {model}'s feature(s) {string.Join(", ", dropped)}, and fallback='forbid': disable them (e.g. --cpu {model},{string.Join(',', dropped.Select(d => "-" + d))}) or allow fallback"));
        }
    }

    private static VirtlabException UnknownModel(string model, QemuCpuCaps caps)
    {
        var near = Suggest(model, caps.Models.Select(m => m.Name));
        return new VirtlabException(
            ErrorKind.InvalidInput,
            $"unknown CPU model '{model}'{(near is null ? string.Empty : $": did you mean '{near}'?")} ('virtlab cpu-models' lists them)");
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
