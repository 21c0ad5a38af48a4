using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

[assembly: AssemblyFixture(typeof(Virtlab.Fuzz.Tests.Harness.FuzzReport))]

namespace Virtlab.Fuzz.Tests.Harness;

/// <summary>Collects every parser's result and, when VIRTLAB_FUZZ_REPORT names a file (<c>make fuzz</c> does),
/// writes them there as a Markdown table after the last test.</summary>
public sealed class FuzzReport : IDisposable
{
    private readonly ConcurrentQueue<FuzzResult> _results = new();

    public void Add(FuzzResult result) => _results.Enqueue(result);

    public void Dispose()
    {
        var path = Environment.GetEnvironmentVariable("VIRTLAB_FUZZ_REPORT");
        if (string.IsNullOrEmpty(path) || _results.IsEmpty)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, Render(_results.OrderBy(r => r.Parser, StringComparer.Ordinal).ToList()));
    }

    public static string Render(IReadOnlyList<FuzzResult> results)
    {
        var inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine(inv, $"# Fuzz report ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, seed {results[0].Seed}, hang bound {FuzzRunner.HangBound.TotalSeconds} s, memory bound {FuzzRunner.MemoryBound / (1024 * 1024)} MiB per input)");
        md.AppendLine();
        md.AppendLine("| parser | inputs tried | accepted | rejected | crashes | hangs | memory | slowest input | wall time |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            md.AppendLine(inv, $"| {r.Parser} | {r.Tried:N0} | {r.Accepted:N0} | {r.RejectedTotal:N0} | {r.Crashes} | {r.Hangs} | {r.MemoryOverruns} | {r.Slowest.TotalMilliseconds:F1} ms | {r.Elapsed.TotalSeconds:F1} s |");
        }

        md.AppendLine();
        md.AppendLine("## Rejected inputs by message class");
        foreach (var r in results)
        {
            md.AppendLine();
            md.AppendLine(inv, $"### {r.Parser}");
            md.AppendLine();
            md.AppendLine("| rejected | message class |");
            md.AppendLine("|---:|---|");
            foreach (var (messageClass, count) in r.Rejected.OrderByDescending(kv => kv.Value).Take(15))
            {
                md.AppendLine(inv, $"| {count:N0} | {messageClass.Replace("|", "/", StringComparison.Ordinal)} |");
            }

            if (r.Rejected.Count > 15)
            {
                md.AppendLine(inv, $"| {r.Rejected.OrderByDescending(kv => kv.Value).Skip(15).Sum(kv => kv.Value):N0} | ({r.Rejected.Count - 15} more classes) |");
            }

            foreach (var f in r.Failures)
            {
                md.AppendLine().Append("    ").AppendLine(f.Replace("\n", "\n    ", StringComparison.Ordinal));
            }
        }

        return md.ToString();
    }
}
