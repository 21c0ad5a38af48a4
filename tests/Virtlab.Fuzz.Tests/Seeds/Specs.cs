namespace Virtlab.Fuzz.Tests.Seeds;

/// <summary>The option values of the commands in README.md, docs/HOTPLUG.md, docs/CPU-MODELS.md and docs/MIGRATION.md.</summary>
public static class Specs
{
    public static IReadOnlyList<string> Sizes { get; } =
        ["256M", "256", "1G", "1GiB", "512MiB", "2048k", "4 GiB", "1T", "0", "64M", "1.5G", "262144KiB", "1e3M", " 256M "];

    public static IReadOnlyList<string> Cpus { get; } =
    [
        "SandyBridge,-x2apic", "host-passthrough", "host", "host-model", "default", "max", "qemu64,+avx", "Nehalem",
        "Haswell-noTSX-IBRS,+pcid,-rtm,avx2=on,hle=off", "EPYC-v4,pcid=optional", "Skylake-Client,+vmx,-tsc-deadline", "qemu64",
    ];

    public static IReadOnlyList<string> Networks { get; } =
    [
        "bridge=vlab0,ip=10.77.0.100/24", "bridge=vlab0", "bridge=vlab1,ip=10.77.0.101/24,mac=52:54:00:12:34:56", "vlab0",
        "bridge=br-lab,mac=52:54:00:ab:cd:ef", "bridge=vlab0,ip=192.168.1.2", "ip=10.77.0.100/24",
    ];

    public static IReadOnlyList<string> Names { get; } =
        ["t1", "f1", "vm-max-1v2-256m-auto", "debian_12.lab", "a", "worker-pool-3", "_x", "A.B-c_d", new string('n', 64)];

    public static IReadOnlyList<string> Vcpus { get; } = ["1", "2", "1,maxvcpus=4", "4,maxvcpus=8", "1,maxvcpus=2"];

    public static IReadOnlyList<string> Memories { get; } = ["256M", "256M,maxmemory=1G", "512MiB,maxmemory=2GiB", "1G"];
}
