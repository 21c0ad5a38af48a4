using System.Xml.Linq;
using Virtlab.Domain.Definitions;
using Virtlab.Domain.Validation;

namespace Virtlab.Domain.Xml;

internal sealed partial class LibvirtXmlReader
{
    /// <summary>
    /// <c>&lt;interface type='bridge'&gt;</c>: a virtio NIC on a host bridge with <c>&lt;mac&gt;</c>,
    /// <c>&lt;source bridge&gt;</c>, <c>&lt;model type='virtio'&gt;</c> and the guest's <c>&lt;ip&gt;</c>.
    /// </summary>
    private void ReadInterface(XElement nic)
    {
        AllowAttributes(nic, "type");
        NoText(nic);
        var type = nic.Attribute("type")?.Value;
        if (type != "bridge")
        {
            Error(type is null ? PathOf(nic) : PathOf(nic.Attribute("type")!), type is null
                ? "the interface has no type: write <interface type='bridge'> with <source bridge='NAME'/>"
                : $"'{type}' is not supported by Virtlab: use type='bridge' with <source bridge='NAME'/> (Virtlab puts the guest's NIC on a host bridge)");
            return;
        }

        string? bridge = null;
        string? mac = null;
        string? address = null;
        var prefix = DomainLimits.DefaultPrefixLength;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var child in nic.Elements())
        {
            switch (LocalName(child))
            {
                case "mac" when FirstOfItsName(child, seen):
                    AllowAttributes(child, "address");
                    Empty(child);
                    mac = child.Attribute("address")?.Value;
                    if (mac is null)
                    {
                        Error(child, "the <mac> has no address: write <mac address='52:54:00:12:34:56'/>, or leave <mac> out to get a random one");
                    }

                    break;
                case "source" when FirstOfItsName(child, seen):
                    AllowAttributes(child, "bridge");
                    Empty(child);
                    bridge = child.Attribute("bridge")?.Value;
                    if (bridge is null)
                    {
                        Error(child, "the source has no bridge: write <source bridge='vlab0'/> with the host bridge's name");
                    }

                    break;
                case "model" when FirstOfItsName(child, seen):
                    AllowAttributes(child, "type");
                    Empty(child);
                    Choice(child, "type", "Virtlab's NIC is virtio-net", "virtio");
                    if (child.Attribute("type") is null)
                    {
                        Error(child, "the model has no type: write <model type='virtio'/>, or leave <model> out");
                    }

                    break;
                case "ip" when FirstOfItsName(child, seen, " (Virtlab gives the guest one IPv4 address)"):
                    (address, prefix) = ReadInterfaceIp(child);
                    break;
                case "target":
                    Error(child, "<target> of an interface is live state from virsh dumpxml (the host's tap device, which the daemon names itself): remove it");
                    break;
                case "mac" or "source" or "model" or "ip":
                    break;
                default:
                    Unsupported(child);
                    break;
            }
        }

        if (!seen.Contains("source"))
        {
            Error(nic, "a bridge interface needs a source: add <source bridge='NAME'/> with the host bridge's name, e.g. vlab0");
        }

        if (bridge is null)
        {
            UnreadPaths.Add(DomainPaths.InterfaceBridge);
        }

        _builder.Interface = new InterfaceDefinition { Bridge = bridge ?? "", Mac = mac ?? "", Address = address, Prefix = prefix };
    }

    /// <summary><c>&lt;ip address='A.B.C.D' family='ipv4' prefix='N'/&gt;</c>: the address and prefix (24 when left out).</summary>
    private (string? Address, int Prefix) ReadInterfaceIp(XElement ip)
    {
        AllowAttributes(ip, "address", "family", "prefix");
        Empty(ip);
        if (ip.Attribute("family") is not null && Choice(ip, "family", "Virtlab's image configures one IPv4 address", "ipv4") is null)
        {
            // An IPv6 address and prefix: the family says what is wrong; the validator's view of them is noise.
            UnreadPaths.Add(DomainPaths.InterfaceAddress);
            UnreadPaths.Add(DomainPaths.InterfacePrefix);
        }

        var address = ip.Attribute("address")?.Value;
        if (address is null)
        {
            Error(ip, "the <ip> has no address: write <ip address='10.77.0.100' prefix='24'/>, or leave <ip> out for no address");
            UnreadPaths.Add(DomainPaths.InterfaceAddress);
        }

        var prefix = DomainLimits.DefaultPrefixLength;
        if (ip.Attribute("prefix") is { } p)
        {
            if (TryCount(PathOf(p), p.Value, "a prefix length", 1, out var length))
            {
                prefix = length;
            }
            else
            {
                UnreadPaths.Add(DomainPaths.InterfacePrefix);
            }
        }

        return (address, prefix);
    }
}
