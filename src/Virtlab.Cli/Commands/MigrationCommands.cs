using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;
using Virtlab.Api;

namespace Virtlab.Cli.Commands;

/// <summary>virsh migrate / domjobinfo / domjobabort between Virtlab hosts.</summary>
internal static class MigrationCommands
{
    public static Command Migrate()
    {
        var name = new Argument<string>("NAME");
        var dest = new Argument<string>("DESTURI") { Description = "the destination host: virtlab+tcp://HOST:PORT (its 'daemon start --listen')" };
        var live = new Option<bool>("--live") { Description = "live migration (the guest keeps running while its memory is copied)" };
        var autoConverge = new Option<bool>("--auto-converge") { Description = "let QEMU throttle the vCPUs when the guest dirties memory faster than it is sent" };
        var xbzrle = new Option<string?>("--xbzrle") { Description = "XBZRLE delta compression of re-sent pages, with a cache of SIZE (default 64M): --xbzrle=SIZE", Arity = ArgumentArity.ZeroOrOne };
        var maxDowntime = new Option<int?>("--max-downtime") { Description = "the longest pause the guest may see, in ms: Virtlab measures the dirty rate and the link first, refuses if it cannot be met, and steers throttle, XBZRLE and post-copy to meet it (without it: QEMU's 300 ms, no steering)" };
        var bandwidth = new Option<int?>("--bandwidth") { Description = "bandwidth cap in MiB/s (default: unlimited)" };
        var timeout = new Option<int?>("--timeout") { Description = "seconds before --timeout-action is taken" };
        var timeoutAction = new Option<string?>("--timeout-action") { Description = "abort (cancel; the guest stays here) or postcopy" };
        var postcopy = new Option<bool>("--postcopy") { Description = "allow switching to post-copy (the guest then runs on the destination and fetches its remaining pages from here; a failure after the switch loses it)" };
        var postcopyAfter = new Option<bool>("--postcopy-after-precopy") { Description = "switch to post-copy once the first pre-copy pass is done (needs --postcopy)" };
        var verify = new Option<string?>("--verify") { Description = "integrity: the guest rewrites MIB MiB (default 32) with a known pattern during the migration; every page is checked on the destination and its kernel log searched for oopses: --verify=MIB", Arity = ArgumentArity.ZeroOrOne };
        var force = new Option<bool>("--force") { Description = "start even when --max-downtime is predicted to be missed" };
        var tokenFile = new Option<string?>("--token-file") { Description = "a copy of the destination's $VIRTLAB_HOME/token" };
        var measure = new Option<bool>("--measure") { Description = "also measure downtime as the guest sees it (in-guest heartbeat) and from outside (ping every 10 ms, for a guest on a lab network), and keep progress samples" };
        var samples = new Option<string?>("--samples") { Description = "write the progress samples to FILE (.csv, with the ping trace in FILE.ping.csv; or .json, everything); implies --measure" };
        var noTls = new Option<bool>("--no-tls") { Description = "send the guest's memory over plain TCP instead of TLS (the default: QEMU's tls-creds-x509 with the hosts' certificates); the API call stays TLS" };
        var json = CommandRunner.JsonOption();
        var cmd = new Command("migrate", "live-migrate a domain to another Virtlab host, with a progress display")
        {
            name, dest, live, autoConverge, xbzrle, maxDowntime, bandwidth, timeout, timeoutAction, postcopy, postcopyAfter, force, verify, tokenFile, measure, samples, noTls, json,
        };
        cmd.Handle(async (p, client, ct) =>
        {
            var file = p.GetValue(tokenFile) ?? throw new CliException("--token-file is required: copy the destination's $VIRTLAB_HOME/token and pass it with --token-file FILE");
            string token;
            try
            {
                token = (await File.ReadAllTextAsync(file, ct).ConfigureAwait(false)).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"cannot read the token file '{file}': {e.Message}");
            }

            var samplesFile = p.GetValue(samples);
            var request = new MigrateRequest(
                p.GetValue(dest)!,
                token,
                Live: p.GetValue(live),
                AutoConverge: p.GetValue(autoConverge),
                XbzrleCacheBytes: p.GetResult(xbzrle) is null ? null : ParseSize(p.GetValue(xbzrle) ?? "64M"),
                MaxDowntimeMs: p.GetValue(maxDowntime),
                BandwidthMiBs: p.GetValue(bandwidth),
                TimeoutSeconds: p.GetValue(timeout),
                TimeoutAction: p.GetValue(timeoutAction),
                Postcopy: p.GetValue(postcopy),
                Measure: p.GetValue(measure) || samplesFile is not null,
                PostcopyAfterPrecopy: p.GetValue(postcopyAfter),
                Force: p.GetValue(force),
                VerifyMiB: p.GetResult(verify) is null ? null : ParseMiB(p.GetValue(verify)),
                NoTls: p.GetValue(noTls));
            if (!request.Live)
            {
                throw new CliException("only live migration is implemented: add --live");
            }

            var vm = p.GetValue(name)!;
            var path = $"v1/domains/{Uri.EscapeDataString(vm)}";
            var migrate = client.PostAsync($"{path}/migrate", request, ApiJsonContext.Default.MigrateRequest, ApiJsonContext.Default.MigrateResult, ct);
            await ShowProgressAsync(client, path, vm, migrate, p.GetValue(json), ct).ConfigureAwait(false);
            var result = await migrate.ConfigureAwait(false);
            if (samplesFile is not null)
            {
                var csv = samplesFile.EndsWith(".csv", StringComparison.Ordinal);
                await File.WriteAllTextAsync(samplesFile, csv ? Csv(result.Samples) : JsonSerializer.Serialize(result, ApiJsonContext.Default.MigrateResult), ct).ConfigureAwait(false);
                if (csv && result.Ping is { } ping)
                {
                    await File.WriteAllTextAsync(Path.ChangeExtension(samplesFile, ".ping.csv"), PingCsv(ping), ct).ConfigureAwait(false);
                }
            }

            Console.Write(p.GetValue(json) ? JsonSerializer.Serialize(result, ApiJsonContext.Default.MigrateResult) + "\n" : Report(result));
            if (result.Integrity is { Clean: false } bad)
            {
                throw new CliException(bad.Problem is not null
                    ? $"the guest runs on {result.Destination}, but its integrity could not be checked: {bad.Problem}"
                    : $"the guest runs on {result.Destination}, but its memory or kernel is damaged ({bad.BadPages} bad pages, {bad.KernelProblems.Count} kernel log problems): do not trust it; this QEMU's migration is defective (docs/QEMU-VERSIONS.md)");
            }
        });
        return cmd;
    }

    public static Command DomJobInfo()
    {
        var name = new Argument<string>("NAME");
        var completed = new Option<bool>("--completed") { Description = "the last finished job (kept on the source and the destination)" };
        var infoMigrate = new Option<bool>("--info-migrate") { Description = "print QEMU's 'info migrate' fields, as the talk shows them" };
        var json = CommandRunner.JsonOption();
        var cmd = new Command("domjobinfo", "the domain's migration job: progress, or with --completed the last finished one") { name, completed, infoMigrate, json };
        cmd.Handle(async (p, client, ct) =>
        {
            var job = await client.GetAsync(
                $"v1/domains/{Uri.EscapeDataString(p.GetValue(name)!)}/jobinfo?completed={(p.GetValue(completed) ? "true" : "false")}",
                ApiJsonContext.Default.JobInfo,
                ct).ConfigureAwait(false);
            Console.Write(
                p.GetValue(json) ? JsonSerializer.Serialize(job, ApiJsonContext.Default.JobInfo) + "\n"
                : p.GetValue(infoMigrate) ? JobFormat.InfoMigrate(job)
                : JobFormat.DomJobInfo(job));
        });
        return cmd;
    }

    public static Command MigratePostcopy()
    {
        var name = new Argument<string>("NAME");
        var cmd = new Command("migrate-postcopy", "switch the domain's running migration (started with --postcopy) to post-copy") { name };
        cmd.Handle(async (p, client, ct) =>
        {
            await client.PostAsync($"v1/domains/{Uri.EscapeDataString(p.GetValue(name)!)}/migrate-postcopy", ct).ConfigureAwait(false);
            Console.WriteLine($"Migration of domain '{p.GetValue(name)}' switches to post-copy");
        });
        return cmd;
    }

    public static Command DomJobAbort()
    {
        var name = new Argument<string>("NAME");
        var cmd = new Command("domjobabort", "cancel the domain's running migration; the guest keeps running here") { name };
        cmd.Handle(async (p, client, ct) =>
        {
            await client.PostAsync($"v1/domains/{Uri.EscapeDataString(p.GetValue(name)!)}/jobabort", ct).ConfigureAwait(false);
            Console.WriteLine($"Job for domain '{p.GetValue(name)}' aborted");
        });
        return cmd;
    }

    /// <summary>Polls domjobinfo while the migrate call runs: a Spectre progress bar on a terminal, one line a second otherwise.</summary>
    private static async Task ShowProgressAsync(DaemonClient client, string path, string vm, Task migrate, bool quiet, CancellationToken ct)
    {
        if (quiet)
        {
            await Task.WhenAny(migrate).ConfigureAwait(false);
            return;
        }

        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            var last = DateTime.MinValue;
            while (!migrate.IsCompleted)
            {
                if (DateTime.UtcNow - last >= TimeSpan.FromSeconds(1) && await PollAsync(client, path, ct).ConfigureAwait(false) is { JobType: "Unbounded" } j)
                {
                    Console.WriteLine($"migrating {vm}: {Line(j)}");
                    last = DateTime.UtcNow;
                }

                await Task.WhenAny(migrate, Task.Delay(250, ct)).ConfigureAwait(false);
            }

            return;
        }

        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask($"migrating {vm}", maxValue: 100);
                while (!migrate.IsCompleted)
                {
                    if (await PollAsync(client, path, ct).ConfigureAwait(false) is { JobType: "Unbounded" } j && j.MemoryTotal is > 0)
                    {
                        task.Description = Markup.Escape($"{vm}: {Line(j)}");
                        task.Value = 100.0 * (j.MemoryTotal.Value - (j.MemoryRemaining ?? 0)) / j.MemoryTotal.Value;
                    }

                    await Task.WhenAny(migrate, Task.Delay(250, ct)).ConfigureAwait(false);
                }

                task.Value = migrate.IsCompletedSuccessfully ? 100 : task.Value;
                task.StopTask();
            }).ConfigureAwait(false);
    }

    private static async Task<JobInfo?> PollAsync(DaemonClient client, string path, CancellationToken ct)
    {
        try
        {
            return await client.GetAsync($"{path}/jobinfo", ApiJsonContext.Default.JobInfo, ct).ConfigureAwait(false);
        }
        catch (DaemonCallException)
        {
            return null;
        }
    }

    private static string Line(JobInfo j) => JobFormat.ProgressLine(j);

    private static string Report(MigrateResult r)
    {
        var j = r.Job;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"Migration: [100 %] '{r.Name}' now runs on {r.Destination}\n");
        sb.Append(CultureInfo.InvariantCulture, $"total time {j.TimeElapsedMs} ms, downtime {j.DowntimeMs} ms, setup {j.SetupTimeMs} ms, transferred {JobFormat.Bytes(j.MemoryProcessed ?? 0)}, throughput {j.MemoryBandwidthMbps:0.0} mbps, iterations {j.Iteration}\n");
        if (r.Transport is { } transport)
        {
            sb.Append(CultureInfo.InvariantCulture, $"stream: {transport}\n");
        }

        sb.Append(r.AgentAnswered ? "guest agent answers on the destination\n" : "WARNING: the guest agent does not answer on the destination\n");
        if (r.Clock is { } c)
        {
            var before = c.SourceOffsetMs is { } s ? $"{Signed.Millis(s)} before migration, " : string.Empty;
            sb.Append(CultureInfo.InvariantCulture, $"guest clock vs host: {before}{Signed.Millis(c.OffsetBeforeMs)} after migration, {(c.Corrected ? $"corrected to {Signed.Millis(c.OffsetAfterMs)}" : "within 10 ms, left alone")}\n");
        }

        if (r.GuestGap is not null || r.Ping is not null)
        {
            var guest = r.GuestGap is { } g
                ? string.Create(CultureInfo.InvariantCulture, $"guest-visible {g.LargestGapMs:0.0} ms (largest monotonic heartbeat gap, {g.Stamps} stamps; wall clock gap {g.LargestGapRealtimeMs:0.0} ms)")
                : "guest-visible: not measured (no guest agent)";
            var ping = r.Ping is { } pr
                ? string.Create(CultureInfo.InvariantCulture, $"external ping {pr.LargestGapMs:0.0} ms (largest gap between replies; {pr.Received} of {pr.Sent} answered)")
                : "external ping: not measured (the guest has no address on a lab network: create it with --network bridge=vlab0,ip=A.B.C.D/24)";
            sb.Append(CultureInfo.InvariantCulture, $"downtime: QEMU {j.DowntimeMs} ms; {guest}; {ping}\n");
        }

        if (r.Ping is { } p)
        {
            sb.Append(PingTrace(p));
        }

        foreach (var s in r.Steps ?? [])
        {
            sb.Append(CultureInfo.InvariantCulture, $"step at t={s.TimeSeconds:0.0} s: {s.Action} ({s.Reason})\n");
        }

        if (r.Integrity is { } ig)
        {
            sb.Append(ig.Problem is not null
                ? $"integrity: NOT VERIFIED: {ig.Problem}\n"
                : string.Create(CultureInfo.InvariantCulture, $"integrity: {ig.Pages} pages ({ig.MiB} MiB, rewritten {ig.Passes} times during the migration) checked on the destination: {(ig.BadPages == 0 ? "0 bad" : $"{ig.BadPages} BAD")}; kernel log {(ig.KernelProblems.Count == 0 ? "clean" : "shows: " + string.Join(" | ", ig.KernelProblems))}\n"));
        }

        if (r.Convergence is { } loop)
        {
            sb.Append(CultureInfo.InvariantCulture, $"closed loop: measured dirty rate {loop.DirtyMiBs:0.#} MiB/s, link {loop.LinkMiBs:0.#} MiB/s{(loop.LinkMeasured ? " (measured)" : " (--bandwidth)")}; plan: {loop.Plan}\n");
            sb.Append(CultureInfo.InvariantCulture, $"downtime limit {loop.DowntimeLimitMs} ms: {(loop.Met == true ? "met" : "MISSED")} ({LimitDetail(loop)}{(loop.PredictedSeconds is { } t ? $"; predicted {t:0.#} s to converge, took {j.TimeElapsedMs / 1000.0:0.#} s" : string.Empty)})\n");
        }

        return sb.ToString();
    }

    /// <summary>The stop the limit was judged on, the throttle's largest stall next to QEMU's stop-and-copy downtime.</summary>
    private static string LimitDetail(ConvergenceReport loop)
    {
        if (loop.Stalls is not { } st)
        {
            return string.Create(CultureInfo.InvariantCulture, $"QEMU downtime {loop.DowntimeMs} ms");
        }

        var parts = new List<string> { string.Create(CultureInfo.InvariantCulture, $"largest guest-visible stop {st.LargestMs:0} ms") };
        if (st.BeforeSwitchOverMs is { } b)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"largest stall before the switch-over {b:0} ms{(loop.MaxThrottle is { } c ? $" (throttle capped at {c} %)" : string.Empty)}"));
        }

        if (st.AfterSwitchOverMs is { } a)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"at/after it {a:0} ms"));
        }

        if (st.PingGapMs is { } p)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"ping gap {p:0} ms"));
        }

        parts.Add(string.Create(CultureInfo.InvariantCulture, $"QEMU stop-and-copy downtime {loop.DowntimeMs} ms; judged on {st.Basis}"));
        return string.Join("; ", parts);
    }

    /// <summary>ping's own lines around the largest gap, as the talk's slide shows them: the reply that ended it starred.</summary>
    private static string PingTrace(PingReport p)
    {
        var replies = p.Trace.Where(s => s.RttMs is not null).OrderBy(s => s.SentAtSeconds + (s.RttMs!.Value / 1000)).ToList();
        var at = replies.FindIndex(s => s.Seq == p.GapAfterSeq);
        if (at < 0)
        {
            return string.Empty;
        }

        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"PING {p.Target} every {p.IntervalMs} ms: {p.Sent} sent, {p.Received} received, largest gap {p.LargestGapMs:0.0} ms\n");
        if (at > 3)
        {
            sb.Append("...\n");
        }

        for (var i = Math.Max(0, at - 3); i <= Math.Min(replies.Count - 1, at + 4); i++)
        {
            var s = replies[i];
            var rtt = s.RttMs!.Value;
            sb.Append(CultureInfo.InvariantCulture, $"64 bytes from {p.Target}: icmp_seq={s.Seq} time={(rtt >= 100 ? rtt.ToString("0", CultureInfo.InvariantCulture) : rtt.ToString("0.00", CultureInfo.InvariantCulture))} ms{(i == at + 1 ? " *" : string.Empty)}\n");
        }

        return sb.Append("...\n").ToString();
    }

    private static string PingCsv(PingReport p)
    {
        var sb = new StringBuilder("seq,sent_at_s,rtt_ms\n");
        foreach (var s in p.Trace)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{s.Seq},{s.SentAtSeconds:0.0000},{(s.RttMs is { } r ? r.ToString("0.000", CultureInfo.InvariantCulture) : string.Empty)}\n");
        }

        return sb.ToString();
    }

    private static string Csv(IReadOnlyList<JobSample> samples)
    {
        var sb = new StringBuilder("time_s,status,remaining_bytes,transferred_bytes,dirty_pages_rate,iteration,throttle_percent,mbps\n");
        foreach (var s in samples)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{s.TimeSeconds:0.000},{s.Status},{s.RemainingBytes},{s.TransferredBytes},{s.DirtyPagesRate},{s.Iteration},{s.ThrottlePercent},{s.Mbps:0.0}\n");
        }

        return sb.ToString();
    }

    private static int ParseMiB(string? text) =>
        text is null ? 32 : int.TryParse(text.Trim().TrimEnd('M', 'm'), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new CliException($"--verify '{text}' is not a size in MiB: give e.g. --verify=32");

    private static long ParseSize(string text)
    {
        var t = text.Trim().ToUpperInvariant().TrimEnd('B', 'I');
        var mult = t.EndsWith('K') ? 1L << 10 : t.EndsWith('M') ? 1L << 20 : t.EndsWith('G') ? 1L << 30 : 1L;
        var digits = mult == 1 ? t : t[..^1];
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n * mult
            : throw new CliException($"--xbzrle '{text}' is not a size: give e.g. 64M");
    }
}
