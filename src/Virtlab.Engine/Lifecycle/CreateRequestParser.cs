using System.Globalization;
using Virtlab.Api;
using Virtlab.Domain.Cpu;
using Virtlab.Domain.Defaults;
using Virtlab.Domain.Names;
using Virtlab.Domain.Definitions;
using Virtlab.Domain.Sizes;
using Virtlab.Domain.Validation;

namespace Virtlab.Engine.Lifecycle;

/// <summary>
/// Turns <c>create</c>'s option strings into a definition, collecting every problem with the
/// option it came from: <c>--vcpus N[,maxvcpus=M]</c>, <c>--memory SIZE[,maxmemory=SIZE]</c>
/// (a bare number is MiB, as in virt-install), <c>--cpu MODEL[,+feat,-feat]</c>, <c>--image</c>, <c>--accel</c>,
/// <c>--network bridge=NAME[,ip=A.B.C.D/N][,mac=52:54:00:xx:xx:xx]</c>.
/// </summary>
public static class CreateRequestParser
{
    private const string NetworkForm =
        "the form is bridge=NAME[,ip=A.B.C.D/N][,mac=52:54:00:xx:xx:xx], e.g. --network bridge=vlab0,ip=10.77.0.100/24";

    public static DomainDefinition Parse(CreateRequest req)
    {
        var errors = new List<ValidationError>();
        int vcpus = 1, maxVcpus = 1;
        long memoryKiB = 256 * 1024;
        long? maxMemoryKiB = null;
        var cpu = CpuDefinition.Default;
        var accel = AccelMode.Auto;

        if (req.Vcpus is { } v)
        {
            var (head, opts) = SplitOptions(v);
            if (!int.TryParse(head, NumberStyles.None, CultureInfo.InvariantCulture, out vcpus))
            {
                errors.Add(new("--vcpus", $"'{head}' is not a vCPU count: use a whole number, e.g. --vcpus 2 or --vcpus 1,maxvcpus=4"));
            }

            maxVcpus = vcpus;
            foreach (var (key, value) in opts)
            {
                if (key == "maxvcpus" && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var m))
                {
                    maxVcpus = m;
                }
                else
                {
                    errors.Add(new("--vcpus", $"'{key}={value}' is not understood: the form is N[,maxvcpus=M]"));
                }
            }
        }

        if (req.Memory is { } mem)
        {
            var (head, opts) = SplitOptions(mem);
            if (ByteSize.TryParseKiB(head, SizeUnit.MiB, out var kib, out var error))
            {
                memoryKiB = kib;
            }
            else
            {
                errors.Add(new("--memory", error));
            }

            foreach (var (key, value) in opts)
            {
                if (key != "maxmemory")
                {
                    errors.Add(new("--memory", $"'{key}' is not understood: the form is SIZE[,maxmemory=SIZE]"));
                }
                else if (ByteSize.TryParseKiB(value, SizeUnit.MiB, out var max, out var maxError))
                {
                    maxMemoryKiB = max;
                }
                else
                {
                    errors.Add(new("--memory", "maxmemory: " + maxError));
                }
            }
        }

        if (req.Cpu is { } c)
        {
            if (CpuSpec.TryParse(c, out var parsed, out var cpuError))
            {
                cpu = parsed;
            }
            else
            {
                errors.Add(new("--cpu", cpuError));
            }
        }

        bool? pmu = req.Pmu switch
        {
            null => null,
            "on" => true,
            "off" => false,
            var other => AddError(errors, new("--pmu", $"'{other}' is not a PMU setting: use on or off")),
        };

        var nic = req.Network is { } network ? ParseNetwork(network, errors) : null;

        if (req.Accel is { } a && !Enum.TryParse(a, ignoreCase: true, out accel))
        {
            errors.Add(new("--accel", $"'{a}' is not an accelerator: use auto, kvm or tcg"));
        }

        if (DomainName.Validate(req.Name) is { } nameError)
        {
            errors.Add(nameError with { Path = "NAME" });
        }

        if (errors.Count > 0)
        {
            throw new VirtlabException(errors);
        }

        var def = DomainDefaults.Apply(new DomainDefinition
        {
            Name = req.Name,
            Vcpus = vcpus,
            MaxVcpus = maxVcpus,
            MemoryKiB = memoryKiB,
            CurrentMemoryKiB = memoryKiB,
            MaxMemoryKiB = maxMemoryKiB,
            Cpu = cpu,
            Pmu = pmu,
            Accel = accel,
            Os = new OsDefinition { Image = req.Image is null or "default" ? null : Path.GetFullPath(req.Image) },
            Interface = nic,
        });

        var problems = DomainValidator.Validate(def)
            .Select(e => e with { Path = OptionFor(e.Path) })
            .ToList();
        if (problems.Count > 0)
        {
            throw new VirtlabException(problems);
        }

        return def;
    }

    private static string OptionFor(string path) => path switch
    {
        _ when path.StartsWith(DomainPaths.Interface, StringComparison.Ordinal) => "--network",
        _ when path.Contains("vcpu", StringComparison.OrdinalIgnoreCase) => "--vcpus",
        _ when path.Contains("emory", StringComparison.Ordinal) => "--memory",
        _ when path.Contains("cpu", StringComparison.Ordinal) => "--cpu",
        _ when path.Contains("name", StringComparison.Ordinal) => "NAME",
        _ => path,
    };

    /// <summary>
    /// <c>bridge=NAME[,ip=A.B.C.D/N][,mac=MAC]</c>: the NIC, or null after adding what is wrong to <paramref name="errors"/>.
    /// The values themselves (a bridge name, an address, a MAC) are the validator's to judge.
    /// </summary>
    private static InterfaceDefinition? ParseNetwork(string spec, List<ValidationError> errors)
    {
        if (spec.Trim().Length == 0)
        {
            errors.Add(new("--network", $"--network needs a bridge: {NetworkForm}"));
            return null;
        }

        var before = errors.Count;
        string? bridge = null, address = null, mac = null;
        var prefix = DomainLimits.DefaultPrefixLength;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var bareName = false;
        foreach (var part in spec.Split(','))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var key = (eq < 0 ? part : part[..eq]).Trim();
            var value = eq < 0 ? null : part[(eq + 1)..].Trim();
            if (key is not ("bridge" or "ip" or "mac"))
            {
                if (eq < 0 && seen.Count == 0 && key.Length > 0)
                {
                    // "--network vlab0": most likely the bridge, so say how to name it (and not also that it is missing).
                    bareName = true;
                    errors.Add(new("--network", $"'{key}' is not understood: name the bridge as bridge={key}; {NetworkForm}"));
                }
                else
                {
                    errors.Add(new("--network", $"'{part}' is not understood: {NetworkForm}"));
                }

                continue;
            }

            if (!seen.Add(key))
            {
                errors.Add(new("--network", $"{key}= is given more than once: give it once; {NetworkForm}"));
                continue;
            }

            if (string.IsNullOrEmpty(value))
            {
                errors.Add(new("--network", $"{key}= has no value: {NetworkForm}"));
                continue;
            }

            switch (key)
            {
                case "bridge":
                    bridge = value;
                    break;
                case "mac":
                    mac = value;
                    break;
                default:
                    var slash = value.IndexOf('/', StringComparison.Ordinal);
                    address = slash < 0 ? value : value[..slash];
                    if (slash >= 0 && !int.TryParse(value[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out prefix))
                    {
                        errors.Add(new("--network",
                            $"'{value[(slash + 1)..]}' in ip={value} is not a prefix length: write ip=A.B.C.D/N with N from 1 to 32, e.g. ip=10.77.0.100/24 (no /N: /{DomainLimits.DefaultPrefixLength})"));
                    }

                    break;
            }
        }

        if (!seen.Contains("bridge") && !bareName)
        {
            errors.Add(new("--network", $"no bridge: {NetworkForm}"));
        }

        return errors.Count == before && bridge is not null
            ? new InterfaceDefinition { Bridge = bridge, Mac = mac ?? string.Empty, Address = address, Prefix = prefix }
            : null;
    }

    private static (string Head, List<(string Key, string Value)> Options) SplitOptions(string spec)
    {
        var parts = spec.Split(',');
        var opts = new List<(string, string)>();
        foreach (var p in parts.Skip(1))
        {
            var eq = p.IndexOf('=', StringComparison.Ordinal);
            opts.Add(eq < 0 ? (p, string.Empty) : (p[..eq].Trim(), p[(eq + 1)..].Trim()));
        }

        return (parts[0].Trim(), opts);
    }

    private static bool? AddError(List<ValidationError> errors, ValidationError error)
    {
        errors.Add(error);
        return null;
    }
}
