using System.Xml.Linq;
using Virtlab.Domain.Definitions;
using Virtlab.Domain.Validation;

namespace Virtlab.Domain.Xml;

internal sealed partial class LibvirtXmlReader
{
    private void ReadCpu(XElement cpu)
    {
        AllowAttributes(cpu, "mode", "match", "check", "migratable");
        NoText(cpu);
        var modeText = cpu.Attribute("mode")?.Value;
        CpuMode? mode = modeText switch
        {
            "host-passthrough" => CpuMode.HostPassthrough,
            "host-model" => CpuMode.HostModel,
            "custom" => CpuMode.Custom,
            null => cpu.HasElements ? CpuMode.Custom : CpuMode.Default,
            _ => null,
        };
        if (mode is null)
        {
            Error(cpu.Attribute("mode")!, $"'{modeText}' is not a CPU mode Virtlab supports: use host-passthrough, host-model or custom");
            UnreadPaths.Add(DomainPaths.Cpu);
        }

        Choice(cpu, "match", "Virtlab gives QEMU exactly the model and the features listed", "exact");
        Choice(cpu, "check", "Virtlab does not compare the guest's CPUID after start", "none", "partial");
        Choice(cpu, "migratable", "QEMU's host-passthrough is migratable by default", "on");

        string? model = null;
        var fallback = CpuFallback.Allow;
        var features = new List<CpuFeature>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var child in cpu.Elements())
        {
            switch (LocalName(child))
            {
                case "model" when FirstOfItsName(child, seen):
                    AllowAttributes(child, "fallback");
                    fallback = Choice(child, "fallback", "", "allow", "forbid") == "forbid" ? CpuFallback.Forbid : CpuFallback.Allow;
                    var text = LeafText(child).Trim();
                    model = text.Length == 0 ? null : text;
                    break;
                case "model":
                    break;
                case "feature":
                    if (ReadCpuFeature(child) is { } feature)
                    {
                        SourcePaths[DomainPaths.CpuFeature(features.Count)] = PathOf(child);
                        features.Add(feature);
                    }
                    else
                    {
                        UnreadPaths.Add(DomainPaths.CpuFeatures);
                    }

                    break;
                default:
                    Unsupported(child);
                    break;
            }
        }

        _builder.Cpu = new CpuDefinition
        {
            Mode = mode ?? CpuMode.Custom,
            Model = model,
            Fallback = fallback,
            Features = features,
        };
    }

    private CpuFeature? ReadCpuFeature(XElement element)
    {
        AllowAttributes(element, "policy", "name");
        Empty(element);
        var policyText = element.Attribute("policy")?.Value;
        CpuFeaturePolicy? policy = policyText switch
        {
            "force" => CpuFeaturePolicy.Force,
            "require" or null => CpuFeaturePolicy.Require,
            "optional" => CpuFeaturePolicy.Optional,
            "disable" => CpuFeaturePolicy.Disable,
            "forbid" => CpuFeaturePolicy.Forbid,
            _ => null,
        };
        if (policy is null)
        {
            Error(element.Attribute("policy")!, $"'{policyText}' is not a feature policy: use force, require, optional, disable or forbid");
        }

        if (element.Attribute("name")?.Value is not { } name)
        {
            Error(element, "the feature has no name: add one, e.g. <feature policy='disable' name='x2apic'/>");
            return null;
        }

        return policy is { } p ? new CpuFeature(name, p) : null;
    }

    private void ReadOs(XElement os)
    {
        AllowAttributes(os);
        NoText(os);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var child in os.Elements())
        {
            var name = LocalName(child);
            if (name is not ("type" or "kernel" or "initrd" or "cmdline"))
            {
                Unsupported(child);
                continue;
            }

            if (!FirstOfItsName(child, seen))
            {
                continue;
            }

            switch (name)
            {
                case "type":
                    AllowAttributes(child, "arch", "machine");
                    Choice(child, "arch", "Virtlab runs x86-64 guests", "x86_64");
                    Choice(child, "machine", "Virtlab runs QEMU's pc (i440fx) machine", "pc");
                    var type = LeafText(child).Trim();
                    if (type != "hvm")
                    {
                        Error(child, $"'{type}' is not an OS type Virtlab runs: write hvm");
                    }

                    break;
                case "kernel":
                    _builder.Kernel = PlainLeaf(child);
                    break;
                case "initrd":
                    _builder.Initrd = PlainLeaf(child);
                    break;
                case "cmdline":
                    _builder.Cmdline = PlainLeaf(child);
                    break;
            }
        }
    }

    private void ReadFeatures(XElement features)
    {
        AllowAttributes(features);
        NoText(features);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var child in features.Elements())
        {
            var name = LocalName(child);
            if (name is not ("acpi" or "apic" or "pmu"))
            {
                Unsupported(child);
                continue;
            }

            if (!FirstOfItsName(child, seen))
            {
                continue;
            }

            Empty(child);
            if (name == "pmu")
            {
                AllowAttributes(child, "state");
                _builder.Pmu = OnOff(child, "state");
                if (child.Attribute("state") is null)
                {
                    Error(child, "<pmu> needs a state: write <pmu state='on'/> or <pmu state='off'/>");
                }
            }
            else
            {
                // Virtlab always gives the guest ACPI (hot-plug needs it) and an APIC.
                AllowAttributes(child);
            }
        }
    }

    private void ReadClock(XElement clock)
    {
        AllowAttributes(clock, "offset");
        Choice(clock, "offset", "Virtlab keeps the guest's RTC in UTC, QEMU's default", "utc");
        NoText(clock);
        foreach (var child in clock.Elements())
        {
            Unsupported(child);
        }
    }
}
