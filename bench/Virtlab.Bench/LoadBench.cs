using System.Diagnostics;
using System.Globalization;

namespace Virtlab.Bench;

/// <summary>
/// bench/load: N concurrent clients (each its own keep-alive connection to the daemon's unix socket) calling
/// list, dominfo and dommemstat in a loop, while on the same daemon a vCPU hot-plug loop and a live migration
/// round trip to a second daemon run (<see cref="LoadOps"/>). Phases: the jobs alone (unloaded), the reads
/// from one client alone, then each client count with the jobs. Every reply that is not 200 is an error.
/// </summary>
internal static class LoadBench
{
    private static readonly string[] Kinds = ["list", "dominfo", "dommemstat"];

    /// <summary>One phase's figures. <paramref name="Latencies"/>: ms per call kind; <paramref name="Errors"/>: count per "kind: what".</summary>
    private sealed record Phase(
        string Label, int Clients, double Seconds, Dictionary<string, List<double>> Latencies, Dictionary<string, int> Errors,
        List<LoadOps.Outcome> Jobs, long MaxRssKiB, int MaxThreads);

    public static async Task<int> RunAsync(string[] args)
    {
        var o = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            o[args[i].TrimStart('-')] = args[i + 1];
        }

        string Need(string k) => o.TryGetValue(k, out var v) ? v : throw new ArgumentException($"--{k} is required (bench/load/run.sh sets it)");
        int Int(string k, int d) => o.TryGetValue(k, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : d;
        var homeA = Need("home-a");
        var ops = new LoadOps(Need("virtlab"), homeA, Need("home-b"), Int("port-a", 0), Int("port-b", 0));
        var hotplugVm = Need("hotplug-vm");
        var migrateVm = Need("migrate-vm");
        var readVms = Need("read-vms").Split(',');
        var clientCounts = Need("clients").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
        var cycles = Int("hotplug-cycles", 3);
        var roundTrips = Int("round-trips", 2);
        var minSeconds = Int("min-seconds", 20);
        var pid = int.Parse(File.ReadAllText(Path.Combine(homeA, "virtlabd.pid")).Trim(), CultureInfo.InvariantCulture);
        var socket = Path.Combine(homeA, "virtlabd.sock");
        var paths = new Dictionary<string, Func<int, string>>(StringComparer.Ordinal)
        {
            ["list"] = _ => "/v1/domains?all=true",
            ["dominfo"] = i => $"/v1/domains/{Uri.EscapeDataString(readVms[i % readVms.Length])}",
            ["dommemstat"] = i => $"/v1/domains/{Uri.EscapeDataString(readVms[i % readVms.Length])}/dommemstat",
        };

        Task<List<LoadOps.Outcome>> JobsOf(int c, int r) => BothAsync(
            ops.HotplugCyclesAsync(hotplugVm, c, CancellationToken.None), ops.MigrationRoundTripsAsync(migrateVm, r, CancellationToken.None));
        Task<List<LoadOps.Outcome>> Jobs() => JobsOf(cycles, roundTrips);

        // Every path and job once, untimed: both daemons' tiered JIT has compiled them before the unloaded baseline.
        Console.Error.WriteLine("bench/load: warming every path and job (untimed)");
        var warm = await RunPhaseAsync("warm-up", socket, paths, 2, 3, () => JobsOf(1, 1), pid).ConfigureAwait(false);
        var phases = new List<Phase>();
        if (warm.Errors.Count > 0 || warm.Jobs.Any(j => j.Failure is not null))
        {
            phases.Add(warm);   // reported, so a failure during the warm-up is not lost
        }

        Console.Error.WriteLine("bench/load: the jobs alone (no clients)");
        phases.Add(await RunPhaseAsync("jobs alone (unloaded)", socket, paths, 0, 0, Jobs, pid).ConfigureAwait(false));
        Console.Error.WriteLine("bench/load: one client alone (no jobs)");
        phases.Add(await RunPhaseAsync("1 client, no jobs", socket, paths, 1, 5, null, pid).ConfigureAwait(false));
        foreach (var n in clientCounts)
        {
            Console.Error.WriteLine($"bench/load: {n} clients with the jobs");
            phases.Add(await RunPhaseAsync($"{n} clients + jobs", socket, paths, n, minSeconds, Jobs, pid).ConfigureAwait(false));
        }

        var report = LoadReport.Write(phases.Select(p => new LoadReport.PhaseFigures(
            p.Label, p.Clients, p.Seconds, p.Latencies, p.Errors, p.Jobs, p.MaxRssKiB, p.MaxThreads)).ToList(), Kinds,
            o.TryGetValue("memory", out var m) ? File.ReadAllText(m) : string.Empty, cycles, roundTrips, readVms);
        Console.Write(report);
        if (o.TryGetValue("out", out var outFile))
        {
            await File.WriteAllTextAsync(outFile, report).ConfigureAwait(false);
        }

        return phases.Sum(p => p.Errors.Values.Sum()) == 0 && phases.All(p => p.Jobs.All(j => j.Failure is null)) ? 0 : 1;
    }

    private static async Task<List<LoadOps.Outcome>> BothAsync(Task<List<LoadOps.Outcome>> a, Task<List<LoadOps.Outcome>> b) =>
        [.. await a.ConfigureAwait(false), .. await b.ConfigureAwait(false)];

    /// <summary>Runs <paramref name="clients"/> read loops until the jobs are done and at least <paramref name="minSeconds"/> passed.</summary>
    private static async Task<Phase> RunPhaseAsync(
        string label, string socket, Dictionary<string, Func<int, string>> paths, int clients, int minSeconds,
        Func<Task<List<LoadOps.Outcome>>>? jobs, int daemonPid)
    {
        using var stop = new CancellationTokenSource();
        var latencies = Kinds.ToDictionary(k => k, _ => new List<double>(), StringComparer.Ordinal);
        var errors = new Dictionary<string, int>(StringComparer.Ordinal);
        long maxRss = 0;
        var maxThreads = 0;
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var (rss, threads) = ProcStatus(daemonPid);
                maxRss = Math.Max(maxRss, rss);
                maxThreads = Math.Max(maxThreads, threads);
                try
                {
                    await Task.Delay(500, stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        });
        var start = Stopwatch.GetTimestamp();
        var readers = Enumerable.Range(0, clients).Select(c => Task.Run(() => ReadLoopAsync(c, socket, paths, latencies, errors, stop.Token))).ToList();
        var jobOutcomes = jobs is null ? [] : await jobs().ConfigureAwait(false);
        var left = TimeSpan.FromSeconds(minSeconds) - Stopwatch.GetElapsedTime(start);
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left).ConfigureAwait(false);
        }

        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(readers).ConfigureAwait(false);
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        await sampler.ConfigureAwait(false);
        return new Phase(label, clients, seconds, latencies, errors, jobOutcomes, maxRss, maxThreads);
    }

    private static async Task ReadLoopAsync(
        int client, string socket, Dictionary<string, Func<int, string>> paths,
        Dictionary<string, List<double>> latencies, Dictionary<string, int> errors, CancellationToken stop)
    {
        using var c = new LoadClient(socket);
        var mine = Kinds.ToDictionary(k => k, _ => new List<double>(), StringComparer.Ordinal);
        var myErrors = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = client; !stop.IsCancellationRequested; i++)
        {
            var kind = Kinds[i % Kinds.Length];
            var path = paths[kind](i / Kinds.Length);
            using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var t0 = Stopwatch.GetTimestamp();
            string? error;
            try
            {
                var (status, body) = await c.GetAsync(path, bounded.Token).ConfigureAwait(false);
                error = status != 200 ? $"HTTP {status} {Excerpt(body)}"
                    : kind == "dommemstat" && !HasGuestFigures(body) ? "HTTP 200 without the guest's /proc/meminfo figures (the agent did not answer in time)"
                    : null;
            }
            catch (OperationCanceledException)
            {
                error = "no reply within 30 s";
            }
            catch (Exception e) when (e is InvalidOperationException or System.Net.Sockets.SocketException or IOException)
            {
                error = e.GetType().Name + ": " + e.Message;
            }

            var ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            if (error is null)
            {
                mine[kind].Add(ms);
            }
            else
            {
                var key = $"{kind} {path}: {error}";
                myErrors[key] = myErrors.GetValueOrDefault(key) + 1;
            }
        }

        lock (latencies)
        {
            foreach (var (k, v) in mine)
            {
                latencies[k].AddRange(v);
            }

            foreach (var (k, v) in myErrors)
            {
                errors[k] = errors.GetValueOrDefault(k) + v;
            }
        }
    }

    /// <summary>dommemstat answers 200 with the balloon's figures alone when the guest agent did not answer: a silent failure, counted.</summary>
    private static bool HasGuestFigures(string body)
    {
        var i = body.IndexOf("\"guestMemTotalKiB\":", StringComparison.Ordinal);
        return i >= 0 && body.AsSpan(i + 19).TrimStart() is [>= '0' and <= '9', ..];
    }

    private static string Excerpt(string body)
    {
        var line = body.ReplaceLineEndings(" ");
        return line.Length > 200 ? line[..200] + "…" : line;
    }

    /// <summary>VmRSS (KiB) and Threads of a process, from /proc/PID/status.</summary>
    private static (long RssKiB, int Threads) ProcStatus(int pid)
    {
        long rss = 0;
        var threads = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("Threads:", StringComparison.Ordinal))
            {
                threads = int.Parse(line[8..].Trim(), CultureInfo.InvariantCulture);
            }
        }

        return (rss, threads);
    }
}
