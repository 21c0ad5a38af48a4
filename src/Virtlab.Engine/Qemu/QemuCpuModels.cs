using System.Diagnostics;

namespace Virtlab.Engine.Qemu;

/// <summary>The CPU model names this QEMU knows, from <c>qemu-system-x86_64 -cpu help</c> (no VM needed).</summary>
public static class QemuCpuModels
{
    public static IReadOnlySet<string> List(string qemuPath)
    {
        var psi = new ProcessStartInfo(qemuPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-cpu");
        psi.ArgumentList.Add("help");
        using var p = System.Diagnostics.Process.Start(psi);
        if (p is null)
        {
            return new HashSet<string>();
        }

        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit(10_000);
        return Parse(output);
    }

    /// <summary>Lines look like "x86 Nehalem  (alias configured by machine type)"; the list ends at the first blank line.</summary>
    public static IReadOnlySet<string> Parse(string help)
    {
        var models = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in help.Split('\n'))
        {
            if (line.Length == 0 && models.Count > 0)
            {
                break;
            }

            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 2 && parts[0] == "x86")
            {
                models.Add(parts[1]);
            }
        }

        return models;
    }
}
