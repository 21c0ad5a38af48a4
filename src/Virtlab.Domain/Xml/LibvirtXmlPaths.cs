using System.Globalization;
using System.Text.RegularExpressions;
using Virtlab.Domain.Validation;

namespace Virtlab.Domain.Xml;

/// <summary>
/// Maps <see cref="DomainPaths"/> (the validator's JSON-style paths) to the XML path of the same
/// value: <c>memoryKiB</c> → <c>/domain/memory</c>, <c>vcpus</c> → <c>/domain/vcpu/@current</c>,
/// <c>cpu.features[2].name</c> → <c>/domain/cpu/feature[3]/@name</c>.
/// </summary>
internal static partial class LibvirtXmlPaths
{
    private static readonly Dictionary<string, string> Fixed = new(StringComparer.Ordinal)
    {
        [DomainPaths.Name] = "/domain/name",
        [DomainPaths.Uuid] = "/domain/uuid",
        [DomainPaths.MemoryKiB] = "/domain/memory",
        [DomainPaths.CurrentMemoryKiB] = "/domain/currentMemory",
        [DomainPaths.MaxMemoryKiB] = "/domain/maxMemory",
        [DomainPaths.MemorySlots] = "/domain/maxMemory/@slots",
        [DomainPaths.Vcpus] = "/domain/vcpu/@current",
        [DomainPaths.MaxVcpus] = "/domain/vcpu",
        [DomainPaths.Accel] = "/domain/@type",
        [DomainPaths.Cpu] = "/domain/cpu",
        [DomainPaths.CpuMode] = "/domain/cpu/@mode",
        [DomainPaths.CpuModel] = "/domain/cpu/model",
        [DomainPaths.CpuFallback] = "/domain/cpu/model/@fallback",
        [DomainPaths.CpuFeatures] = "/domain/cpu/feature",
        [DomainPaths.OsKernel] = "/domain/os/kernel",
        [DomainPaths.OsInitrd] = "/domain/os/initrd",
        [DomainPaths.OsCmdline] = "/domain/os/cmdline",
        [DomainPaths.OsImage] = "/domain/metadata/virtlab:domain/virtlab:image",
        [DomainPaths.GuestAgent] = "/domain/devices/channel",
        [DomainPaths.Balloon] = "/domain/devices/memballoon",
        [DomainPaths.BalloonStatsPeriod] = "/domain/devices/memballoon/stats/@period",
        [DomainPaths.Interface] = "/domain/devices/interface",
        [DomainPaths.InterfaceBridge] = "/domain/devices/interface/source/@bridge",
        [DomainPaths.InterfaceMac] = "/domain/devices/interface/mac/@address",
        [DomainPaths.InterfaceAddress] = "/domain/devices/interface/ip/@address",
        [DomainPaths.InterfacePrefix] = "/domain/devices/interface/ip/@prefix",
        [DomainPaths.Pmu] = "/domain/features/pmu/@state",
        [DomainPaths.ConsoleLog] = "/domain/devices/serial/source/@path",
    };

    /// <param name="path">A validator path.</param>
    /// <param name="featureCount">How many CPU features there are (an index is shown only among several).</param>
    /// <param name="sources">Where the reader actually found values, when it knows better.</param>
    public static string ToXmlPath(string path, int featureCount, IReadOnlyDictionary<string, string>? sources = null)
    {
        if (sources is not null && sources.TryGetValue(path, out var known))
        {
            return known;
        }

        if (Fixed.TryGetValue(path, out var xml))
        {
            return xml;
        }

        var feature = FeaturePath().Match(path);
        if (feature.Success)
        {
            var index = int.Parse(feature.Groups["index"].Value, CultureInfo.InvariantCulture);
            var element = sources is not null && sources.TryGetValue(DomainPaths.CpuFeature(index), out var found)
                ? found
                : featureCount > 1
                    ? string.Create(CultureInfo.InvariantCulture, $"/domain/cpu/feature[{index + 1}]")
                    : "/domain/cpu/feature";
            return feature.Groups["field"].Success ? $"{element}/@{feature.Groups["field"].Value}" : element;
        }

        return "/domain";
    }

    [GeneratedRegex(@"^cpu\.features\[(?<index>\d+)\](\.(?<field>name|policy))?$", RegexOptions.CultureInvariant)]
    private static partial Regex FeaturePath();
}
