using Virtlab.Domain.Definitions;
using Virtlab.Domain.Xml;

namespace Virtlab.Domain.Tests.Xml;

public sealed partial class LibvirtDomainXmlTests
{
    private static readonly DomainDefinition Base = new()
    {
        Name = "t1",
        Uuid = Guid.Parse(Uuid),
        MemoryKiB = 262144,
        CurrentMemoryKiB = 262144,
    };

    public static TheoryData<string, DomainDefinition> Representative() => new()
    {
        { "knoel1, every field", Knoel1 },
        { "minimal", Base },
        { "talk: host-passthrough", Base with { Accel = AccelMode.Kvm, Cpu = new CpuDefinition { Mode = CpuMode.HostPassthrough } } },
        {
            "talk: custom SandyBridge, fallback allow",
            Base with { Cpu = new CpuDefinition { Mode = CpuMode.Custom, Model = "SandyBridge", Fallback = CpuFallback.Allow } }
        },
        { "talk: custom Nehalem", Base with { Cpu = new CpuDefinition { Mode = CpuMode.Custom, Model = "Nehalem" } } },
        {
            "custom, fallback forbid, every policy",
            Base with
            {
                Cpu = new CpuDefinition
                {
                    Mode = CpuMode.Custom,
                    Model = "Haswell",
                    Fallback = CpuFallback.Forbid,
                    Features =
                    [
                        new("avx", CpuFeaturePolicy.Force),
                        new("pcid", CpuFeaturePolicy.Require),
                        new("hle", CpuFeaturePolicy.Optional),
                        new("rtm", CpuFeaturePolicy.Disable),
                        new("invpcid", CpuFeaturePolicy.Forbid),
                    ],
                },
            }
        },
        { "host-model, fallback forbid", Base with { Accel = AccelMode.Kvm, Cpu = new CpuDefinition { Mode = CpuMode.HostModel, Fallback = CpuFallback.Forbid } } },
        {
            "host-passthrough with features under auto",
            Base with
            {
                Accel = AccelMode.Auto,
                Cpu = new CpuDefinition { Mode = CpuMode.HostPassthrough, Features = [new("vmx", CpuFeaturePolicy.Disable)] },
            }
        },
        {
            "auto accel, image, cmdline, no balloon, no agent, PMU on",
            Base with
            {
                Accel = AccelMode.Auto,
                Os = new OsDefinition { Image = "/srv/images/debian", Cmdline = "quiet" },
                Balloon = null,
                GuestAgent = false,
                Pmu = true,
            }
        },
        {
            "balloon without statistics, kernel without initrd, all vCPUs at start",
            Base with
            {
                Balloon = new BalloonDefinition { StatsPeriodSeconds = 0 },
                Os = new OsDefinition { Kernel = "/boot/vmlinux" },
                Vcpus = 2,
                MaxVcpus = 2,
            }
        },
        {
            "interface with an address on a /16",
            Base with { Interface = new InterfaceDefinition { Bridge = "vlab0", Mac = "52:54:00:ab:cd:ef", Address = "10.77.1.2", Prefix = 16 } }
        },
        {
            "interface without an address, no balloon, no agent",
            Base with
            {
                Interface = new InterfaceDefinition { Bridge = "br-lab.10", Mac = "02:00:00:00:00:01" },
                Balloon = null,
                GuestAgent = false,
            }
        },
        {
            "awkward characters in paths and the command line",
            Base with
            {
                ConsoleLog = "/tmp/it's <a> & \"b\" c.log",
                Os = new OsDefinition { Cmdline = "  a<b && c>'d'  " },
            }
        },
    };

    [Theory]
    [MemberData(nameof(Representative))]
    public void Parsing_what_Write_wrote_gives_the_same_definition(string description, DomainDefinition definition)
    {
        var xml = LibvirtDomainXml.Write(definition);

        var result = LibvirtDomainXml.Parse(xml);

        Assert.True(result.IsValid, $"{description}:\n{string.Join("\n", result.Errors)}\n{xml}");
        Assert.Equal(definition, result.Definition);
    }

    [Theory]
    [MemberData(nameof(Representative))]
    public void Writing_a_parsed_definition_gives_the_same_XML(string description, DomainDefinition definition)
    {
        var xml = LibvirtDomainXml.Write(definition);

        Assert.True(LibvirtDomainXml.Parse(xml).IsValid, description);
        Assert.Equal(xml, LibvirtDomainXml.Write(LibvirtDomainXml.Parse(xml).Definition!));
    }
}
