using System.Globalization;
using Virtlab.Domain.Definitions;

namespace Virtlab.Domain.Xml;

/// <summary>Writes a definition as libvirt domain XML, in libvirt's element order.</summary>
internal static class LibvirtXmlWriter
{
    public static string Write(DomainDefinition d)
    {
        var x = new XmlTextBuilder();
        x.Open("domain", ("type", d.Accel == AccelMode.Tcg ? "qemu" : "kvm"));
        x.Leaf("name", d.Name);
        if (d.Uuid != Guid.Empty)
        {
            x.Leaf("uuid", d.Uuid.ToString("D", CultureInfo.InvariantCulture));
        }

        WriteMetadata(x, d);
        if (d.MaxMemoryKiB is { } max)
        {
            x.Leaf("maxMemory", Number(max), ("slots", d.MemorySlots > 0 ? Number(d.MemorySlots) : null), ("unit", "KiB"));
        }

        x.Leaf("memory", Number(d.MemoryKiB), ("unit", "KiB"));
        if (d.CurrentMemoryKiB != 0)
        {
            x.Leaf("currentMemory", Number(d.CurrentMemoryKiB), ("unit", "KiB"));
        }

        x.Leaf("vcpu", Number(d.MaxVcpus), ("placement", "static"), ("current", d.Vcpus != d.MaxVcpus ? Number(d.Vcpus) : null));
        WriteOs(x, d.Os);
        x.Open("features");
        x.Empty("acpi");
        x.Empty("apic");
        if (d.Pmu is { } pmu)
        {
            x.Empty("pmu", ("state", pmu ? "on" : "off"));
        }

        x.Close();
        WriteCpu(x, d.Cpu);
        x.Empty("clock", ("offset", "utc"));
        x.Leaf("on_poweroff", "destroy");
        x.Leaf("on_reboot", "destroy");
        x.Leaf("on_crash", "destroy");
        WriteDevices(x, d);
        x.Close();
        return x.ToString();
    }

    private static void WriteMetadata(XmlTextBuilder x, DomainDefinition d)
    {
        if (d.Accel != AccelMode.Auto && d.Os.Image is null)
        {
            return;
        }

        x.Open("metadata");
        x.Open("virtlab:domain", ("xmlns:virtlab", LibvirtDomainXml.VirtlabNamespace));
        if (d.Accel == AccelMode.Auto)
        {
            x.Leaf("virtlab:accel", "auto");
        }

        if (d.Os.Image is { } image)
        {
            x.Leaf("virtlab:image", image);
        }

        x.Close();
        x.Close();
    }

    private static void WriteOs(XmlTextBuilder x, OsDefinition os)
    {
        x.Open("os");
        x.Leaf("type", "hvm", ("arch", "x86_64"), ("machine", "pc"));
        if (os.Kernel is { } kernel)
        {
            x.Leaf("kernel", kernel);
        }

        if (os.Initrd is { } initrd)
        {
            x.Leaf("initrd", initrd);
        }

        if (os.Cmdline is { } cmdline)
        {
            x.Leaf("cmdline", cmdline);
        }

        x.Close();
    }

    private static void WriteCpu(XmlTextBuilder x, CpuDefinition cpu)
    {
        if (cpu.Mode == CpuMode.Default && cpu.Model is null && cpu.Features.Count == 0)
        {
            return;
        }

        var mode = cpu.Mode switch
        {
            CpuMode.HostPassthrough => "host-passthrough",
            CpuMode.HostModel => "host-model",
            _ => "custom",
        };
        var fallback = cpu.Fallback == CpuFallback.Forbid ? "forbid" : "allow";
        var writeModel = cpu.Model is not null || (cpu.Mode == CpuMode.HostModel && cpu.Fallback == CpuFallback.Forbid);
        if (!writeModel && cpu.Features.Count == 0)
        {
            x.Empty("cpu", ("mode", mode));
            return;
        }

        x.Open("cpu", ("mode", mode), ("match", cpu.Mode == CpuMode.Custom ? "exact" : null));
        if (cpu.Model is { } model)
        {
            x.Leaf("model", model, ("fallback", fallback));
        }
        else if (writeModel)
        {
            x.Empty("model", ("fallback", fallback));
        }

        foreach (var feature in cpu.Features)
        {
            x.Empty("feature", ("policy", feature.Policy.ToString().ToLowerInvariant()), ("name", feature.Name));
        }

        x.Close();
    }

    private static void WriteDevices(XmlTextBuilder x, DomainDefinition d)
    {
        x.Open("devices");
        if (d.Interface is { } nic)
        {
            // libvirt's order: <interface> after disks and controllers, before serial, console, channel and memballoon;
            // inside it <mac>, <source>, <ip>, <model>.
            x.Open("interface", ("type", "bridge"));
            if (!string.IsNullOrEmpty(nic.Mac))
            {
                x.Empty("mac", ("address", nic.Mac));
            }

            x.Empty("source", ("bridge", nic.Bridge));
            if (nic.Address is { } address)
            {
                x.Empty("ip", ("address", address), ("family", "ipv4"), ("prefix", Number(nic.Prefix)));
            }

            x.Empty("model", ("type", "virtio"));
            x.Close();
        }

        if (d.ConsoleLog is { } log)
        {
            x.Open("serial", ("type", "file"));
            x.Empty("source", ("path", log), ("append", "on"));
            x.Empty("target", ("port", "0"));
            x.Close();
            x.Open("console", ("type", "file"));
            x.Empty("source", ("path", log), ("append", "on"));
            x.Empty("target", ("type", "serial"), ("port", "0"));
            x.Close();
        }

        if (d.GuestAgent)
        {
            x.Open("channel", ("type", "unix"));
            x.Empty("source", ("mode", "bind"));
            x.Empty("target", ("type", "virtio"), ("name", LibvirtDomainXml.GuestAgentChannel));
            x.Close();
        }

        if (d.Balloon is { } balloon)
        {
            var autodeflate = balloon.DeflateOnOom ? "on" : null;
            if (balloon.StatsPeriodSeconds > 0)
            {
                x.Open("memballoon", ("model", "virtio"), ("autodeflate", autodeflate));
                x.Empty("stats", ("period", Number(balloon.StatsPeriodSeconds)));
                x.Close();
            }
            else
            {
                x.Empty("memballoon", ("model", "virtio"), ("autodeflate", autodeflate));
            }
        }
        else
        {
            x.Empty("memballoon", ("model", "none"));
        }

        x.Close();
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
