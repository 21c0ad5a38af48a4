using System.Globalization;
using System.Text;
using Virtlab.Api;

namespace Virtlab.Cli;

/// <summary>Text output in virsh's shapes, so a virsh user reads it at a glance.</summary>
internal static class VirshFormat
{
    public static string List(IReadOnlyList<DomainSummary> list)
    {
        var nameWidth = Math.Max(4, list.Count == 0 ? 4 : list.Max(d => d.Name.Length));
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $" {"Id",-4} {"Name".PadRight(nameWidth)}   State\n");
        sb.Append(new string('-', 5 + nameWidth + 3 + 12)).Append('\n');
        foreach (var d in list)
        {
            sb.Append(CultureInfo.InvariantCulture, $" {(d.Id?.ToString(CultureInfo.InvariantCulture) ?? "-"),-4} {d.Name.PadRight(nameWidth)}   {d.State}\n");
        }

        return sb.Append('\n').ToString();
    }

    public static string DomInfo(DomainInfo i)
    {
        var rows = new List<(string, string)>
        {
            ("Id", i.Id?.ToString(CultureInfo.InvariantCulture) ?? "-"),
            ("Name", i.Name),
            ("UUID", i.Uuid.ToString()),
            ("OS Type", i.OsType),
            ("State", i.State),
            ("CPU(s)", i.Vcpus.ToString(CultureInfo.InvariantCulture)),
            ("Max CPU(s)", i.MaxVcpus.ToString(CultureInfo.InvariantCulture)),
        };
        if (i.CpuTimeSeconds is { } t)
        {
            rows.Add(("CPU time", string.Create(CultureInfo.InvariantCulture, $"{t:0.0}s")));
        }

        rows.Add(("CPU model", i.CpuModel));
        rows.Add(("Max memory", Kib(i.MaxMemoryKiB)));
        rows.Add(("Used memory", Kib(i.UsedMemoryKiB)));
        if (i.HotplugMaxMemoryKiB is { } hp)
        {
            rows.Add(("Hot-plug limit", Kib(hp)));
        }

        rows.Add(("Persistent", i.Persistent ? "yes" : "no"));
        rows.Add(("Autostart", i.Autostart ? "enable" : "disable"));
        if (i.Accel is not null)
        {
            rows.Add(("Accelerator", $"{i.Accel} ({i.AccelReason})"));
            rows.Add(("Hypervisor", $"QEMU {i.QemuVersion}"));
            rows.Add(("PID", i.Pid?.ToString(CultureInfo.InvariantCulture) ?? "-"));
            rows.Add(("Started", i.StartedAt?.ToString("u", CultureInfo.InvariantCulture) ?? "-"));
            rows.Add(("Console log", i.ConsoleLog ?? "-"));
        }

        return Rows(rows);
    }

    public static string Capabilities(CapabilitiesInfo c)
    {
        var rows = new List<(string, string)>
        {
            ("Host CPU", $"{c.HostCpu.ModelName} ({c.HostCpu.Vendor}, family {c.HostCpu.Family} model {c.HostCpu.Model} stepping {c.HostCpu.Stepping})"),
            ("Host CPU flags", string.Join(' ', c.HostCpu.Flags)),
            ("QEMU", c.QemuVersion is null ? "not installed" : $"{c.QemuVersion} at {c.QemuPath}"),
        };
        foreach (var d in c.QemuDefects)
        {
            rows.Add(("QEMU defect", $"{d.Operation}: {d.Summary} (fixed in {d.FixedIn}; refused here)"));
        }

        rows.Add(("KVM", c.KvmUsable ? "usable: " + c.KvmReason : "not usable: " + c.KvmReason));
        rows.Add(("Accelerator", $"{c.DefaultAccel} ({c.DefaultAccelReason})"));
        rows.Add(("CPU models", string.Create(CultureInfo.InvariantCulture, $"{c.CpuModels.Count}: {string.Join(' ', c.CpuModels)}")));
        if (c.MachineTypes is { Count: > 0 } machines)
        {
            // The aliased and unversioned types in full; the versioned ones (pc-i440fx-2.4 …) counted.
            var shown = machines.Where(m => m.Contains("(alias", StringComparison.Ordinal) || !m.Any(char.IsAsciiDigit)).ToList();
            rows.Add(("Machine types", string.Create(CultureInfo.InvariantCulture, $"{machines.Count}: {string.Join(", ", shown)}, and {machines.Count - shown.Count} versioned types (--json lists all)")));
        }

        rows.Add(("Guest image", c.ImageDir is null ? c.ImageProblem ?? "not built" : $"{c.ImageDir} (kernel {c.ImageKernelRelease ?? "?"})"));
        return Rows(rows);
    }

    private static string Kib(long kib) => string.Create(CultureInfo.InvariantCulture, $"{kib} KiB");

    private static string Rows(IEnumerable<(string Key, string Value)> rows)
    {
        var sb = new StringBuilder();
        foreach (var (k, v) in rows)
        {
            sb.Append((k + ":").PadRight(16)).Append(v).Append('\n');
        }

        return sb.Append('\n').ToString();
    }
}
