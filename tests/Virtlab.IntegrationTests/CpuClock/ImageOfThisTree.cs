using System.Diagnostics;
using Virtlab.IntegrationTests.Infrastructure;

namespace Virtlab.IntegrationTests.CpuClock;

/// <summary>
/// The guest image built from this tree's guest/ (its probe has the 'pmu' check). The shared
/// images/default link follows whichever tree built last, so these tests name their image:
/// guest/build-image.sh is quick when the image for these inputs exists, and prints its directory.
/// </summary>
internal static class ImageOfThisTree
{
    private static readonly Lazy<string> Dir = new(Build);

    public static string Path => Dir.Value;

    private static string Build()
    {
        var psi = new ProcessStartInfo(System.IO.Path.Combine(Requirements.RepoRoot, "guest", "build-image.sh"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        _ = stderr.Result;
        var last = stdout.Trim().Split('\n').LastOrDefault()?.Trim();
        return p.ExitCode == 0 && last is not null && Directory.Exists(last) ? last : "default";
    }
}
