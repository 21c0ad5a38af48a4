using System.Globalization;

namespace Virtlab.Domain.Validation;

/// <summary>
/// The paths <see cref="DomainValidator"/> puts in its errors: the field names of a
/// <see cref="Definitions.DomainDefinition"/> as they appear in its JSON (camelCase, dots, and
/// zero-based [i] for list items), so an API client sees exactly the field it sent. The XML reader
/// maps them to XML paths (<c>memoryKiB</c> → <c>/domain/memory</c>); a CLI can map them to its flags.
/// </summary>
public static class DomainPaths
{
    public const string Name = "name";
    public const string Uuid = "uuid";
    public const string MemoryKiB = "memoryKiB";
    public const string CurrentMemoryKiB = "currentMemoryKiB";
    public const string MaxMemoryKiB = "maxMemoryKiB";
    public const string MemorySlots = "memorySlots";
    public const string Vcpus = "vcpus";
    public const string MaxVcpus = "maxVcpus";
    public const string Accel = "accel";
    public const string Cpu = "cpu";
    public const string CpuMode = "cpu.mode";
    public const string CpuModel = "cpu.model";
    public const string CpuFallback = "cpu.fallback";
    public const string CpuFeatures = "cpu.features";
    public const string OsKernel = "os.kernel";
    public const string OsInitrd = "os.initrd";
    public const string OsCmdline = "os.cmdline";
    public const string OsImage = "os.image";
    public const string GuestAgent = "guestAgent";
    public const string Balloon = "balloon";
    public const string BalloonStatsPeriod = "balloon.statsPeriodSeconds";
    public const string Interface = "interface";
    public const string InterfaceBridge = "interface.bridge";
    public const string InterfaceMac = "interface.mac";
    public const string InterfaceAddress = "interface.address";
    public const string InterfacePrefix = "interface.prefix";
    public const string Pmu = "pmu";
    public const string ConsoleLog = "consoleLog";

    /// <summary><c>cpu.features[i]</c>: one feature (zero-based, as in JSON).</summary>
    public static string CpuFeature(int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{CpuFeatures}[{index}]");

    /// <summary><c>cpu.features[i].name</c>.</summary>
    public static string CpuFeatureName(int index) => CpuFeature(index) + ".name";
}
