using System.Globalization;
using System.Text;

namespace Virtlab.Bench;

/// <summary>bench/load's report: per phase the calls (count, errors, p50/p99/max, throughput), the jobs and their
/// time against the unloaded phase, and the daemon's memory.</summary>
internal static class LoadReport
{
    public sealed record PhaseFigures(
        string Label, int Clients, double Seconds, Dictionary<string, List<double>> Latencies, Dictionary<string, int> Errors,
        List<LoadOps.Outcome> Jobs, long MaxRssKiB, int MaxThreads);

    private static readonly string[] Steps = ["plug", "unplug", "migrate-out", "migrate-back"];

    public static string Write(List<PhaseFigures> phases, string[] kinds, string memory, int cycles, int roundTrips, string[] readVms)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(inv, $"# bench/load, last run\n\n{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} CPUs, load average {LoadAverage()} at the end. ");
        sb.Append(inv, $"Jobs per phase: {cycles} hot-plug cycles (setvcpus 2 --live, setvcpus 1 --live) and {roundTrips} migration round trips, ");
        sb.Append(inv, $"at the same time. Reads: list (`GET /v1/domains?all=true`), dominfo and dommemstat of {string.Join(", ", readVms)} in turn.\n\n");
        sb.Append("## Calls\n\n| phase | call | requests | errors | p50 ms | p99 ms | max ms | requests/s |\n|---|---|---|---|---|---|---|---|\n");
        foreach (var p in phases.Where(p => p.Clients > 0))
        {
            foreach (var k in kinds)
            {
                var ms = p.Latencies[k];
                var errs = p.Errors.Where(e => e.Key.StartsWith(k + " ", StringComparison.Ordinal)).Sum(e => e.Value);
                sb.Append(inv, $"| {p.Label} | {k} | {ms.Count} | {errs} | {Pct(ms, 0.5):0.00} | {Pct(ms, 0.99):0.00} | {Max(ms):0.0} | {ms.Count / p.Seconds:0} |\n");
            }

            var all = p.Latencies.Values.Sum(v => v.Count);
            sb.Append(inv, $"| {p.Label} | **all** | {all} | {p.Errors.Values.Sum()} | | | | **{all / p.Seconds:0}** |\n");
        }

        sb.Append("\nPhase durations (s): ");
        sb.Append(string.Join(", ", phases.Select(p => string.Create(inv, $"{p.Label} {p.Seconds:0.0}"))));
        sb.Append(".\n\n## Jobs on the same daemon\n\nWall ms of each `virtlab` command, median (min-max); succeeded / run; ratio = median against the unloaded phase.\n\n");
        sb.Append("| phase | " + string.Join(" | ", Steps) + " |\n|---|" + string.Concat(Steps.Select(_ => "---|")) + "\n");
        var baseline = phases.FirstOrDefault(p => p.Clients == 0);
        foreach (var p in phases.Where(p => p.Jobs.Count > 0))
        {
            sb.Append(inv, $"| {p.Label} |");
            foreach (var s in Steps)
            {
                var done = p.Jobs.Where(j => j.Step == s).ToList();
                var ok = done.Where(j => j.Failure is null).Select(j => j.WallMs).ToList();
                var b = baseline?.Jobs.Where(j => j.Step == s && j.Failure is null).Select(j => j.WallMs).ToList() ?? [];
                var ratio = p != baseline && ok.Count > 0 && b.Count > 0 ? string.Create(inv, $", **×{Pct(ok, 0.5) / Pct(b, 0.5):0.00}**") : string.Empty;
                sb.Append(ok.Count == 0
                    ? string.Create(inv, $" 0/{done.Count} |")
                    : string.Create(inv, $" {Pct(ok, 0.5):0} ({ok.Min():0}-{ok.Max():0}), {ok.Count}/{done.Count}{ratio} |"));
            }

            sb.Append('\n');
        }

        sb.Append("\n## The loaded daemon's process\n\n| phase | max RSS MiB (sampled every 0.5 s) | max threads |\n|---|---|---|\n");
        foreach (var p in phases)
        {
            sb.Append(inv, $"| {p.Label} | {p.MaxRssKiB / 1024.0:0.0} | {p.MaxThreads} |\n");
        }

        if (memory.Length > 0)
        {
            sb.Append("\n## Memory per VM\n\n").Append(memory.TrimEnd()).Append('\n');
        }

        var failures = phases.SelectMany(p => p.Errors.Select(e => $"{p.Label}: {e.Value}× {e.Key}")
            .Concat(p.Jobs.Where(j => j.Failure is not null).Select(j => $"{p.Label}: {j.Step} failed: {j.Failure}"))).ToList();
        sb.Append("\n## Errors\n\n").Append(failures.Count == 0 ? "None.\n" : string.Concat(failures.Select(f => "- " + f + "\n")));
        return sb.ToString();
    }

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static double Max(List<double> x) => x.Count == 0 ? double.NaN : x.Max();

    private static double Pct(List<double> x, double q)
    {
        if (x.Count == 0)
        {
            return double.NaN;
        }

        var s = x.Order().ToList();
        var pos = q * (s.Count - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, s.Count - 1);
        return s[lo] + ((s[hi] - s[lo]) * (pos - lo));
    }
}
