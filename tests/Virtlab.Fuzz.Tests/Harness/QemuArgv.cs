using System.Text;
using Virtlab.Domain.Definitions;
using Virtlab.Engine.Accel;
using Virtlab.Engine.Images;
using Virtlab.Engine.Qemu;

namespace Virtlab.Fuzz.Tests.Harness;

/// <summary>
/// The escaping property: an accepted definition's QEMU argv, read back the way QEMU reads it (option values split at
/// single commas, <c>,,</c> a literal comma), holds exactly the keys Virtlab meant and the user's values unchanged, and
/// the user's values never add an option, a key or a kernel argument of their own.
/// </summary>
public static class QemuArgv
{
    private static readonly Accelerator Tcg = new("tcg", "fuzz");
    private static readonly Accelerator Kvm = new("kvm", "fuzz");
    private static readonly GuestImage Image = new("/var/lib/virtlab/images/default", "6.1.0-56-amd64");
    private static readonly VmRunPaths Run = new("/run/virtlab/vms/fuzz");

    /// <summary>Options that take no value; every other option takes exactly the next element.</summary>
    private static readonly HashSet<string> Flags = ["-nodefaults", "-no-user-config", "-no-reboot"];

    /// <summary>Throws <see cref="InvalidOperationException"/> (a crash to the runner) when the property does not hold.</summary>
    public static void Check(DomainDefinition def)
    {
        var accel = def.Cpu.Mode == CpuMode.HostPassthrough ? Kvm : Tcg;
        var argv = QemuCommandLine.Build("/usr/bin/qemu-system-x86_64", def, accel, Image, Run);
        var options = new List<(string Option, string Value)>();
        for (var i = 1; i < argv.Count; i++)
        {
            var option = argv[i];
            Expect(option.StartsWith('-'), $"argv[{i}] '{option}' stands where an option belongs");
            if (!Flags.Contains(option))
            {
                Expect(i + 1 < argv.Count, $"option {option} has no value");
                options.Add((option, argv[++i]));
            }
        }

        var name = Split(Single(options, "-name"));
        Expect(name.SequenceEqual(["guest=" + def.Name, "debug-threads=on"]), $"-name reads back as [{string.Join(" | ", name)}]");

        var cpu = Split(Single(options, "-cpu"));
        var expected = new List<string> { def.Cpu.Mode == CpuMode.Custom ? def.Cpu.Model! : Split(QemuCommandLine.CpuArgument(def, accel))[0] };
        expected.AddRange(def.Cpu.Features
            .Where(f => f.Policy != CpuFeaturePolicy.Optional)
            .Select(f => (f.Policy is CpuFeaturePolicy.Force or CpuFeaturePolicy.Require ? "+" : "-") + f.Name));
        if (def.Pmu is { } pmu)
        {
            expected.Add("pmu=" + (pmu ? "on" : "off"));
        }

        Expect(cpu.SequenceEqual(expected), $"-cpu reads back as [{string.Join(" | ", cpu)}], meant [{string.Join(" | ", expected)}]");

        if (def.Interface is { } nic)
        {
            var device = options.Where(o => o.Option == "-device" && o.Value.StartsWith("virtio-net-pci,", StringComparison.Ordinal)).Select(o => Split(o.Value)).Single();
            Expect(device.SequenceEqual(["virtio-net-pci", "netdev=net0", "id=nic0", "mac=" + nic.Mac]), $"the NIC reads back as [{string.Join(" | ", device)}]");
        }

        var serial = options.Where(o => o.Option == "-chardev" && o.Value.StartsWith("file,", StringComparison.Ordinal)).Select(o => Split(o.Value)).Single();
        Expect(serial.SequenceEqual(["file", "id=serial0", "path=" + (def.ConsoleLog ?? Run.ConsoleLog), "append=on"]), $"the console reads back as [{string.Join(" | ", serial)}]");

        if (def.Os.Kernel is null)
        {
            var append = Single(options, "-append").Split(' ');
            Expect(append.Contains("virtlab.name=" + def.Name), $"the kernel command line [{string.Join(" | ", append)}] lost virtlab.name={def.Name}");
            Expect(append.Count(a => a.StartsWith("virtlab.name=", StringComparison.Ordinal)) == 1, "the name added a kernel argument");
        }
    }

    /// <summary>Splits an option value the way QEMU's option parser does.</summary>
    public static List<string> Split(string value)
    {
        var parts = new List<string>();
        var part = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != ',')
            {
                part.Append(value[i]);
            }
            else if (i + 1 < value.Length && value[i + 1] == ',')
            {
                part.Append(',');
                i++;
            }
            else
            {
                parts.Add(part.ToString());
                part.Clear();
            }
        }

        parts.Add(part.ToString());
        return parts;
    }

    private static string Single(List<(string Option, string Value)> options, string option) =>
        options.Single(o => o.Option == option).Value;

    private static void Expect(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException("QEMU argv escaping property violated: " + what);
        }
    }
}
