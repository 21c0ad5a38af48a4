using System.Globalization;
using System.Text;

namespace Virtlab.Bench;

/// <summary>
/// bench/cli: one CLI process per read command, `virtlab` (the AOT binary, a warm daemon) against
/// `virsh` (libvirt's peer, a warm libvirtd), each with the same domain defined. Every round runs each
/// command once, the order rotating from round to round, so the machine's noise hits every side alike.
/// Wall time is spawn to reaped, CPU time is the child's user+sys from wait4. Then the daemon's own
/// reply time for `list` and `dominfo` on one open keep-alive connection.
/// </summary>
internal static class CliBench
{
    /// <summary>One command line to time; <paramref name="Peer"/>: the virsh case its ratio is against (null: it is a peer).</summary>
    private sealed record Case(string Label, string[] Argv, Case? Peer = null);

    public static async Task<int> RunAsync(string[] args)
    {
        var runs = 200;
        var requests = 5000;
        string? outFile = null;
        var virtlab = "";
        var virsh = "virsh";
        var uri = "qemu:///system";
        var domain = "";
        var home = "";
        string? baseline = null;
        var repliesOnly = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--requests": requests = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--out": outFile = args[++i]; break;
                case "--virtlab": virtlab = args[++i]; break;
                case "--virsh": virsh = args[++i]; break;
                case "--uri": uri = args[++i]; break;
                case "--domain": domain = args[++i]; break;
                case "--home": home = args[++i]; break;
                case "--baseline": baseline = args[++i]; break;
                case "--replies-only": repliesOnly = true; break;
                default: throw new ArgumentException("unknown option " + args[i]);
            }
        }

        if (repliesOnly && domain.Length > 0 && home.Length > 0)
        {
            // While working on the daemon: only its reply times, no processes, no peer.
            using var c = new OpenConnection(Path.Combine(home, "virtlabd.sock"));
            Warm(c, domain, requests);
            foreach (var path in new[] { "/v1/domains?all=false", "/v1/domains?all=true", "/v1/domains/" + Uri.EscapeDataString(domain) })
            {
                var ms = c.Time(path, requests, requests / 10);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{path}: median {Median(ms):0.000} ms, p90 {P90(ms):0.000}, p99 {Percentile(ms, 0.99):0.000}"));
            }

            return 0;
        }

        if (virtlab.Length == 0 || domain.Length == 0 || home.Length == 0)
        {
            throw new ArgumentException("--virtlab BIN, --domain NAME and --home VIRTLAB_HOME are required (bench/cli/run.sh sets them)");
        }

        var env = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string)e.Value!, StringComparer.Ordinal);
        env["VIRTLAB_HOME"] = home;
        var cases = new List<Case>();
        foreach (var words in new[] { new[] { "list" }, ["list", "--all"], ["dominfo", domain] })
        {
            var peer = new Case($"`virsh {string.Join(' ', words)}`", [virsh, "-c", uri, .. words]);
            cases.Add(new Case($"`virtlab {string.Join(' ', words)}`", [virtlab, .. words], peer));
            if (baseline is not null)
            {
                cases.Add(new Case($"`virtlab {string.Join(' ', words)}`, baseline build", [baseline, .. words], peer));
            }

            cases.Add(peer);
        }

        // Each command once with its output kept: it must succeed, and the report shows what was compared.
        var outputs = new Dictionary<Case, string>();
        foreach (var c in cases)
        {
            var file = Path.GetTempFileName();
            var t = Spawn.Run(c.Argv, env, file);
            outputs[c] = await File.ReadAllTextAsync(file);
            File.Delete(file);
            if (t.ExitCode != 0)
            {
                throw new InvalidOperationException($"{string.Join(' ', c.Argv)} exited {t.ExitCode}");
            }
        }

        var loadBefore = LoadAverage();
        var timings = cases.ToDictionary(c => c, _ => new List<Spawn.Timing>(runs));
        for (var r = 0; r < runs; r++)
        {
            for (var k = 0; k < cases.Count; k++)
            {
                var c = cases[(k + r) % cases.Count];
                var t = Spawn.Run(c.Argv, env);
                if (t.ExitCode != 0)
                {
                    throw new InvalidOperationException($"{string.Join(' ', c.Argv)} exited {t.ExitCode}");
                }

                timings[c].Add(t);
            }

            if ((r + 1) % 50 == 0)
            {
                Console.Error.WriteLine($"round {r + 1}/{runs}");
            }
        }

        var loadAfter = LoadAverage();
        using var connection = new OpenConnection(Path.Combine(home, "virtlabd.sock"));
        Warm(connection, domain, requests);
        var replies = new (string Label, List<double> Ms)[]
        {
            ("`GET /v1/domains?all=false` (list)", connection.Time("/v1/domains?all=false", requests, requests / 10)),
            ("`GET /v1/domains?all=true` (list --all)", connection.Time("/v1/domains?all=true", requests, requests / 10)),
            ($"`GET /v1/domains/{domain}` (dominfo)", connection.Time("/v1/domains/" + Uri.EscapeDataString(domain), requests, requests / 10)),
        };
        var loadEnd = LoadAverage();

        var report = Report(runs, requests, cases, timings, replies, outputs, [loadBefore, loadAfter, loadEnd]);
        Console.Write(report);
        if (outFile is not null)
        {
            await File.WriteAllTextAsync(outFile, report);
        }

        return 0;
    }

    private static string Report(
        int runs, int requests, List<Case> cases, Dictionary<Case, List<Spawn.Timing>> timings,
        (string Label, List<double> Ms)[] replies, Dictionary<Case, string> outputs, string[] load)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(inv, $"CLI processes, {runs} interleaved rounds (each command once per round, order rotating), {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, ");
        sb.Append(inv, $"{Environment.ProcessorCount} CPUs, load average {load[0]} before, {load[1]} after the processes, {load[2]} after the replies\n\n");
        sb.Append("Per process: wall = spawn to reaped, CPU = the child's user+sys (wait4 rusage). ms, median (p90).\n\n");
        sb.Append("| command | wall | CPU (user+sys) | user | sys | wall / virsh | CPU / virsh |\n|---|---|---|---|---|---|---|\n");
        foreach (var c in cases)
        {
            var t = timings[c];
            var wall = t.Select(x => x.WallMs).ToList();
            var cpu = t.Select(x => x.CpuMs).ToList();
            var peer = timings[c.Peer ?? c];
            var ratio = string.Create(inv, $"{Median(wall) / Median(peer.Select(x => x.WallMs).ToList()):0.00} | {Median(cpu) / Median(peer.Select(x => x.CpuMs).ToList()):0.00}");
            sb.Append(inv, $"| {c.Label} | {Median(wall):0.0} ({P90(wall):0.0}) | {Median(cpu):0.0} ({P90(cpu):0.0}) | ");
            sb.Append(inv, $"{Median(t.Select(x => x.UserMs).ToList()):0.0} | {Median(t.Select(x => x.SysMs).ToList()):0.0} | {ratio} |\n");
        }

        sb.Append(inv, $"\nThe daemon's reply on one open keep-alive connection (raw HTTP/1.1 over the unix socket, {requests} requests after {requests / 10} untimed), ms:\n\n");
        sb.Append("| request | median | p90 | p99 |\n|---|---|---|---|\n");
        foreach (var (label, ms) in replies)
        {
            sb.Append(inv, $"| {label} | {Median(ms):0.000} | {P90(ms):0.000} | {Percentile(ms, 0.99):0.000} |\n");
        }

        sb.Append("\nWhat was compared (each command's output):\n\n");
        foreach (var c in cases.Where(c => !c.Label.EndsWith("baseline build", StringComparison.Ordinal)))
        {
            sb.Append(inv, $"{c.Label}:\n\n```\n{outputs[c].TrimEnd('\n')}\n```\n\n");
        }

        return sb.ToString();
    }

    /// <summary>Every path once untimed, and a pause, so the daemon's tiered JIT has compiled all three before any is timed.</summary>
    private static void Warm(OpenConnection connection, string domain, int requests)
    {
        foreach (var path in new[] { "/v1/domains?all=false", "/v1/domains?all=true", "/v1/domains/" + Uri.EscapeDataString(domain) })
        {
            connection.Time(path, 0, requests / 10);
        }

        Thread.Sleep(1000);
    }

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static double Median(List<double> x) => Percentile(x, 0.5);

    private static double P90(List<double> x) => Percentile(x, 0.9);

    private static double Percentile(List<double> x, double q)
    {
        var s = x.Order().ToList();
        var pos = q * (s.Count - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, s.Count - 1);
        return s[lo] + ((s[hi] - s[lo]) * (pos - lo));
    }
}
