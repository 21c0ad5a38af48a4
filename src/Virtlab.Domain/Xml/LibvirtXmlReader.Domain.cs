using System.Xml.Linq;
using Virtlab.Domain.Definitions;
using Virtlab.Domain.Sizes;
using Virtlab.Domain.Validation;

namespace Virtlab.Domain.Xml;

internal sealed partial class LibvirtXmlReader
{
    /// <summary>Reads the document; the definition is returned even with errors (the caller decides).</summary>
    public DomainDefinition? Read(XDocument document)
    {
        var root = document.Root;
        if (root is null || root.Name != XName.Get("domain"))
        {
            Error(root is null ? "/" : PathOf(root), $"the root element is <{(root is null ? "" : DisplayName(root))}>: a libvirt domain is a <domain> element");
            return null;
        }

        ReadDomainType(root);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var hasName = false;
        var hasMemory = false;
        foreach (var child in root.Elements())
        {
            var name = LocalName(child);
            if (name is null || !IsDomainChild(name))
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
                case "name":
                    hasName = true;
                    _builder.Name = PlainLeaf(child);
                    break;
                case "uuid":
                    ReadUuid(child);
                    break;
                case "metadata":
                    ReadMetadata(child);
                    break;
                case "memory":
                    hasMemory = true;
                    AllowAttributes(child, "unit");
                    _builder.MemoryKiB = Size(child, DomainPaths.MemoryKiB);
                    break;
                case "currentMemory":
                    AllowAttributes(child, "unit");
                    _builder.CurrentMemoryKiB = Size(child, DomainPaths.CurrentMemoryKiB);
                    break;
                case "maxMemory":
                    ReadMaxMemory(child);
                    break;
                case "vcpu":
                    ReadVcpu(child);
                    break;
                case "os":
                    ReadOs(child);
                    break;
                case "features":
                    ReadFeatures(child);
                    break;
                case "cpu":
                    ReadCpu(child);
                    break;
                case "clock":
                    ReadClock(child);
                    break;
                case "on_poweroff":
                    ReadLifecycle(child, "power-off");
                    break;
                case "on_reboot":
                    ReadLifecycle(child, "reboot");
                    break;
                case "on_crash":
                    ReadLifecycle(child, "crash");
                    break;
                case "devices":
                    ReadDevices(child);
                    break;
            }
        }

        NoText(root);
        if (!hasName)
        {
            Error("/domain/name", "the domain has no <name>: add one, e.g. <name>t1</name>");
        }

        if (!hasMemory)
        {
            Error("/domain/memory", "the domain has no <memory>: give its RAM, e.g. <memory unit='MiB'>256</memory>");
        }

        ApplyAutoAccel();
        return _builder.Build();
    }

    private static bool IsDomainChild(string name) => name is
        "name" or "uuid" or "metadata" or "memory" or "currentMemory" or "maxMemory" or "vcpu" or "os" or
        "features" or "cpu" or "clock" or "on_poweroff" or "on_reboot" or "on_crash" or "devices";

    private void ReadDomainType(XElement root)
    {
        AllowAttributes(root, "type");
        switch (root.Attribute("type")?.Value)
        {
            case "kvm":
                _builder.Accel = AccelMode.Kvm;
                break;
            case "qemu":
                _builder.Accel = AccelMode.Tcg;
                break;
            case null:
                Error("/domain/@type", "the domain has no type: use type='kvm' (KVM) or type='qemu' (TCG)");
                break;
            case var other:
                Error(root.Attribute("type")!, $"'{other}' is not a hypervisor Virtlab runs: use type='kvm' (KVM) or type='qemu' (TCG)");
                break;
        }
    }

    private void ReadUuid(XElement element)
    {
        var text = PlainLeaf(element).Trim();
        if (Guid.TryParse(text, out var uuid))
        {
            _builder.Uuid = uuid;
        }
        else
        {
            Error(element, $"'{text}' is not a UUID: write 32 hex digits, e.g. f8023c16-22b1-4163-a7b5-df2452241fed, or leave <uuid> out to get a random one");
        }
    }

    private void ReadMetadata(XElement metadata)
    {
        AllowAttributes(metadata);
        NoText(metadata);
        var seen = false;
        foreach (var child in metadata.Elements())
        {
            if (child.Name != LibvirtDomainXml.VirtlabElement)
            {
                Error(child, child.Name.Namespace == LibvirtDomainXml.VirtlabNs
                    ? $"<{DisplayName(child)}> is not supported by Virtlab: put Virtlab's settings inside one <virtlab:domain xmlns:virtlab='{LibvirtDomainXml.VirtlabNamespace}'> element"
                    : $"<{DisplayName(child)}> is not supported by Virtlab: remove it (Virtlab keeps only its own metadata, <virtlab:domain xmlns:virtlab='{LibvirtDomainXml.VirtlabNamespace}'>)");
                continue;
            }

            if (seen)
            {
                Error(child, $"<{DisplayName(child)}> appears more than once: keep one");
                continue;
            }

            seen = true;
            ReadVirtlabMetadata(child);
        }
    }

    private void ReadVirtlabMetadata(XElement element)
    {
        AllowAttributes(element);
        NoText(element);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var child in element.Elements())
        {
            var name = child.Name.Namespace == LibvirtDomainXml.VirtlabNs ? child.Name.LocalName : null;
            if (name is not ("accel" or "image"))
            {
                Error(child, $"<{DisplayName(child)}> is not a Virtlab setting: Virtlab's metadata holds <virtlab:accel> and <virtlab:image>");
                continue;
            }

            if (!FirstOfItsName(child, seen))
            {
                continue;
            }

            var text = PlainLeaf(child);
            if (name == "image")
            {
                _builder.Image = text;
                SourcePaths[DomainPaths.OsImage] = PathOf(child);
            }
            else if (text.Trim() == "auto")
            {
                _pendingAutoAccel = true;
            }
            else
            {
                Error(child, $"'{text.Trim()}' is not an accelerator setting here: write auto (KVM when it works on this host, else TCG), or leave it out and use <domain type='kvm'> or type='qemu'");
            }
        }
    }

    private void ApplyAutoAccel()
    {
        if (_pendingAutoAccel)
        {
            _builder.Accel = AccelMode.Auto;
            SourcePaths[DomainPaths.Accel] = "/domain/metadata/virtlab:domain/virtlab:accel";
        }
    }

    private long Size(XElement element, string definitionPath)
    {
        if (ByteSize.TryParseLibvirtKiB(LeafText(element), element.Attribute("unit")?.Value, out var kib, out var error))
        {
            return kib;
        }

        Error(element, error);
        UnreadPaths.Add(definitionPath);
        return 0;
    }

    private void ReadMaxMemory(XElement element)
    {
        AllowAttributes(element, "slots", "unit");
        _builder.MaxMemoryKiB = Size(element, DomainPaths.MaxMemoryKiB);
        if (element.Attribute("slots") is { } slots &&
            TryCount(PathOf(slots), slots.Value, "a slot count", 0, out var count))
        {
            _builder.MemorySlots = count;
        }
    }

    private void ReadVcpu(XElement element)
    {
        AllowAttributes(element, "placement", "current");
        Choice(element, "placement", "Virtlab does not place vCPUs on host CPUs", "static");
        if (TryCount(PathOf(element), LeafText(element), "a vCPU count", 1, out var max))
        {
            _builder.MaxVcpus = max;
        }

        if (element.Attribute("current") is { } current)
        {
            if (TryCount(PathOf(current), current.Value, "a vCPU count", 1, out var count))
            {
                _builder.Vcpus = count;
            }
        }
        else
        {
            SourcePaths[DomainPaths.Vcpus] = "/domain/vcpu";
        }
    }

    private void ReadLifecycle(XElement element, string what)
    {
        var text = PlainLeaf(element).Trim();
        if (text != "destroy")
        {
            Error(element, $"'{text}' is not supported by Virtlab: write destroy (a guest {what} always ends the QEMU process and the domain is shut off)");
        }
    }
}
