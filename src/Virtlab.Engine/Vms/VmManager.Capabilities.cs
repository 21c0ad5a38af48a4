using Virtlab.Api;
using Virtlab.Domain.Definitions;
using Virtlab.Engine.Host;
using Virtlab.Engine.Images;
using Virtlab.Engine.Qemu;

namespace Virtlab.Engine.Vms;

public sealed partial class VmManager
{
    private IReadOnlySet<string>? _cpuModels;

    public CapabilitiesInfo Capabilities()
    {
        string? qemuPath = null, qemuVersion = null;
        var defects = new List<DefectInfo>();
        try
        {
            qemuPath = Qemu.Path;
            qemuVersion = Qemu.Version.ToString();
            defects.AddRange(Qemu.Defects.Select(d => new DefectInfo(d.Operation, d.Summary, d.FixedIn.ToString())));
        }
        catch (VirtlabException)
        {
        }

        string? imageDir = null, kernel = null, problem = null;
        try
        {
            var img = GuestImage.Resolve("default", Paths.ImagesDir);
            imageDir = img.Directory;
            kernel = img.KernelRelease;
        }
        catch (VirtlabException e)
        {
            problem = e.Message;
        }

        var auto = Accel.Select(AccelMode.Auto);
        return new CapabilitiesInfo(
            HostCpu.Read(), qemuPath, qemuVersion, defects, Accel.Kvm.Usable, Accel.Kvm.Reason, auto.Name, auto.Reason,
            CpuModels().Order(StringComparer.Ordinal).ToList(), imageDir, kernel, problem);
    }

    /// <summary>The CPU models this QEMU knows; empty when QEMU is missing (then models are not checked here).</summary>
    public IReadOnlySet<string> CpuModels()
    {
        if (_cpuModels is null)
        {
            try
            {
                _cpuModels = QemuCpuModels.List(Qemu.Path);
            }
            catch (VirtlabException)
            {
                return new HashSet<string>();
            }
        }

        return _cpuModels;
    }

    /// <summary>The closest known name by edit distance (case-insensitive), if it is close enough to be a typo.</summary>
    public static string? Suggest(string input, IEnumerable<string> known)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var k in known)
        {
            var d = Distance(input.ToLowerInvariant(), k.ToLowerInvariant());
            if (d < bestDistance)
            {
                (best, bestDistance) = (k, d);
            }
        }

        return bestDistance <= Math.Max(2, input.Length / 3) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            prev[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (prev, cur) = (cur, prev);
        }

        return prev[b.Length];
    }
}
