using Virtlab.Domain.Definitions;
using Virtlab.Domain.Xml;

namespace Virtlab.Fuzz.Tests.Seeds;

/// <summary>The libvirt XML reader's seeds: a domain with every element Virtlab reads as <c>virtlab dumpxml</c> prints
/// it (libvirt's shape), and the other shapes libvirt and the docs write (direct kernel boot, host-model and
/// host-passthrough CPUs, pty serial and console, an interface with family='ipv4', no balloon), one line each.</summary>
public static class DomainXml
{
    public static IReadOnlyList<string> Seeds { get; } =
    [
        Dumpxml(),
        "<domain type='qemu'><name>f1</name><memory unit='MiB'>256</memory><vcpu>2</vcpu><os><type arch='x86_64' machine='pc'>hvm</type>"
            + "<kernel>/boot/vmlinux</kernel><initrd>/boot/initrd.img</initrd><cmdline>console=ttyS0 loglevel=4</cmdline></os>"
            + "<cpu mode='host-model' check='partial'><model fallback='forbid'/></cpu><devices><console type='file'><source path='/tmp/c.log'/></console>"
            + "<interface type='bridge'><mac address='52:54:00:ab:cd:ef'/><source bridge='br-lab.10'/><ip address='192.168.7.9' family='ipv4' prefix='28'/>"
            + "<model type='virtio'/></interface><memballoon model='virtio'><driver deflate_on_oom='on'/></memballoon></devices></domain>",
        "<domain type='kvm'><name>hp</name><memory unit='GiB'>1</memory><vcpu placement='static'>1</vcpu><cpu mode='host-passthrough' check='none' migratable='on'/>"
            + "<devices><serial type='pty'><target port='0'/></serial><console type='pty'><target type='serial' port='0'/></console><memballoon model='none'/></devices></domain>",
        "<domain type='qemu'><name>m</name><memory>262144</memory><cpu mode='custom'><model fallback='allow'>Nehalem</model></cpu></domain>",
    ];

    private static string Dumpxml()
    {
        var cpu = new CpuDefinition { Mode = CpuMode.Custom, Model = "SandyBridge", Fallback = CpuFallback.Forbid };
        var nic = new InterfaceDefinition { Bridge = "vlab0", Mac = "52:54:00:12:34:56", Address = "10.77.0.100", Prefix = 24 };
        return LibvirtDomainXml.Write(new DomainDefinition
        {
            Name = "t1", Uuid = Guid.Parse("f8023c16-22b1-4163-a7b5-df2452241fed"), Vcpus = 1, MaxVcpus = 4, Pmu = false,
            MemoryKiB = 262144, CurrentMemoryKiB = 131072, MaxMemoryKiB = 4 * 1024 * 1024, MemorySlots = 8,
            Cpu = cpu with { Features = [new("x2apic", CpuFeaturePolicy.Disable), new("avx", CpuFeaturePolicy.Force), new("pcid", CpuFeaturePolicy.Optional), new("sse4.2", CpuFeaturePolicy.Require)] },
            Os = new OsDefinition { Image = "/srv/images/debian" }, Interface = nic, ConsoleLog = "/var/log/t1.log",
            Balloon = new BalloonDefinition { StatsPeriodSeconds = 10, DeflateOnOom = true },
        });
    }
}
