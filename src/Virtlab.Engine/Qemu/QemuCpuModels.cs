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

    /// <summary>
    /// Parses the "Available CPUs:" block: QEMU 10 writes "  Nehalem   Intel Core i7 9xx ...",
    /// older versions "x86 Nehalem ...". The block ends at the first blank line.
    /// </summary>
    public static IReadOnlySet<string> Parse(string help)
    {
        var models = new HashSet<string>(StringComparer.Ordinal);
        var inList = false;
        foreach (var line in help.Split('\n'))
        {
            if (line.StartsWith("Available CPUs", StringComparison.Ordinal))
            {
                inList = true;
                continue;
            }

            if (line.Trim().Length == 0)
            {
                if (inList && models.Count > 0)
                {
                    break;
                }

                continue;
            }

            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts[0] == "x86" && parts.Length >= 2)
            {
                models.Add(parts[1]);
            }
            else if (inList && char.IsWhiteSpace(line[0]))
            {
                models.Add(parts[0]);
            }
        }

        return models;
    }
}
