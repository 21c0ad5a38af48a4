using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Virtlab.Api;
using Virtlab.Engine.Domains;

namespace Virtlab.Engine.Migration;

/// <summary>
/// What migrate --measure and --verify run in the guest, through the image's probe. The guest-visible downtime:
/// <c>virtlab-probe heartbeat</c> writes CLOCK_MONOTONIC and CLOCK_REALTIME stamps every 10 ms, and
/// <c>heartbeat-report</c> stops it and prints the largest gap. Integrity measured, not assumed: before the migration
/// the guest starts rewriting MIB MiB with a known pattern (<c>virtlab-probe pattern</c>: each 8-byte word holds its page
/// and pass number) and keeps at it while its memory moves; on the destination every page is checked
/// (<c>pattern-verify</c>), the writer stopped, and the kernel log searched for oopses and panics. This is how QEMU
/// 7.2's TCG dirty-tracking bug was caught here.
/// </summary>
internal static partial class GuestProbes
{
    private const string HeartbeatLog = "/run/virtlab-heartbeat.log";

    public static async Task StartHeartbeatAsync(DomainObject domain, CancellationToken cancellationToken)
    {
        var agent = await domain.AgentAsync(cancellationToken).ConfigureAwait(false);
        var r = await agent.RunAsync(
            "/bin/sh",
            ["-c", $"virtlab-probe heartbeat 10 {HeartbeatLog} >/dev/null 2>&1 </dev/null &"],
            TimeSpan.FromSeconds(20),
            cancellationToken).ConfigureAwait(false);
        if (r.ExitCode != 0)
        {
            throw new VirtlabException(ErrorKind.AgentError, $"could not start the heartbeat in the guest (exit {r.ExitCode}): is the image's virtlab-probe new enough? ('make image')");
        }

        // Let it write a few stamps before the migration starts.
        await Task.Delay(300, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<GuestGapReport?> ReadHeartbeatAsync(DomainObject domain, CancellationToken cancellationToken)
    {
        var agent = await domain.AgentAsync(cancellationToken).ConfigureAwait(false);
        await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        var r = await agent.RunAsync("/usr/bin/virtlab-probe", ["heartbeat-report", HeartbeatLog], TimeSpan.FromSeconds(20), cancellationToken).ConfigureAwait(false);
        var line = r.Stdout.Trim();
        if (r.ExitCode != 0 || string.IsNullOrEmpty(line))
        {
            return null;
        }

        var o = JsonNode.Parse(line)!;
        return new GuestGapReport(
            o["max_gap_ms"]!.GetValue<double>(),
            o["max_gap_realtime_ms"]!.GetValue<double>(),
            o["stamps"]!.GetValue<int>(),
            o["gap_at_unix_ms"]?.GetValue<double>(),
            await ReadGapsAsync(agent, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Every gap of 20 ms or more in the stopped heartbeat's log (the 100 largest), so the source can tell the
    /// stalls before the switch-over from those after it.</summary>
    private static async Task<IReadOnlyList<HeartbeatGap>> ReadGapsAsync(Virtlab.Qga.GuestAgentClient agent, CancellationToken cancellationToken)
    {
        var r = await agent.RunAsync(
            "/bin/sh",
            ["-c", $"awk 'NR>1 && $1-m>=20000000 {{printf \"%.1f %.1f\\n\", r/1e6, ($1-m)/1e6}} {{m=$1; r=$2}}' {HeartbeatLog} | sort -k2 -n -r | head -100"],
            TimeSpan.FromSeconds(20),
            cancellationToken).ConfigureAwait(false);
        var gaps = new List<HeartbeatGap>();
        foreach (var l in r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var f = l.Split(' ');
            if (f.Length == 2
                && double.TryParse(f[0], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var at)
                && double.TryParse(f[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var ms))
            {
                gaps.Add(new HeartbeatGap(at, ms));
            }
        }

        return gaps;
    }

    private const string BaselineLog = "/run/virtlab-baseline.log";

    /// <summary>The largest heartbeat gap over <paramref name="window"/> with no migration running: what the host's load
    /// alone costs the guest (null when the probe does not answer).</summary>
    public static async Task<double?> MeasureBaselineStallAsync(DomainObject domain, TimeSpan window, CancellationToken cancellationToken)
    {
        var agent = await domain.AgentAsync(cancellationToken).ConfigureAwait(false);
        var start = await agent.RunAsync(
            "/bin/sh",
            ["-c", $"virtlab-probe heartbeat 10 {BaselineLog} >/dev/null 2>&1 </dev/null &"],
            TimeSpan.FromSeconds(20),
            cancellationToken).ConfigureAwait(false);
        if (start.ExitCode != 0)
        {
            return null;
        }

        await Task.Delay(window, cancellationToken).ConfigureAwait(false);
        var r = await agent.RunAsync("/usr/bin/virtlab-probe", ["heartbeat-report", BaselineLog], TimeSpan.FromSeconds(20), cancellationToken).ConfigureAwait(false);
        return r.ExitCode == 0 && r.Stdout.Trim() is { Length: > 0 } line && JsonNode.Parse(line)?["max_gap_ms"] is { } gap ? gap.GetValue<double>() : null;
    }

    private const string VerifyFile = "/run/virtlab-verify";

    [GeneratedRegex("Oops:|BUG:|Kernel panic|general protection fault|stack-protector|Call Trace:")]
    private static partial Regex KernelProblem();

    public static async Task StartIntegrityWriterAsync(DomainObject domain, int mib, CancellationToken cancellationToken)
    {
        var agent = await domain.AgentAsync(cancellationToken).ConfigureAwait(false);
        var r = await agent.RunAsync(
            "/bin/sh",
            ["-c", $"kill $(cat {VerifyFile}.pid 2>/dev/null) 2>/dev/null; virtlab-probe pattern {mib} {VerifyFile} >/dev/null 2>&1 </dev/null &"],
            TimeSpan.FromSeconds(20),
            cancellationToken).ConfigureAwait(false);
        if (r.ExitCode != 0)
        {
            throw new VirtlabException(ErrorKind.AgentError, $"could not start the integrity pattern in the guest (exit {r.ExitCode}): is the image's virtlab-probe new enough? ('make image')");
        }

        // Let it complete a first pass, so that every page holds the pattern before the migration starts.
        await Task.Delay(TimeSpan.FromMilliseconds(500 + (mib * 10)), cancellationToken).ConfigureAwait(false);
    }

    public static async Task<IntegrityReport> VerifyIntegrityAsync(DomainObject domain, CancellationToken cancellationToken)
    {
        var agent = await domain.AgentAsync(cancellationToken).ConfigureAwait(false);
        var verify = await agent.RunAsync("/usr/bin/virtlab-probe", ["pattern-verify", VerifyFile], TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        await agent.RunAsync("/bin/sh", ["-c", $"kill $(cat {VerifyFile}.pid) 2>/dev/null"], TimeSpan.FromSeconds(20), cancellationToken).ConfigureAwait(false);
        var dmesg = await agent.RunAsync("/bin/dmesg", [], TimeSpan.FromSeconds(20), cancellationToken).ConfigureAwait(false);
        var problems = dmesg.Stdout.Split('\n').Where(l => KernelProblem().IsMatch(l)).Take(10).Select(l => l.Trim()).ToList();
        var o = verify.ExitCode == 0 && verify.Stdout.Trim() is { Length: > 0 } line ? JsonNode.Parse(line) : null;
        if (o?["bad_pages"] is null)
        {
            return new IntegrityReport(0, 0, 0, 0, problems, $"pattern-verify did not answer: {(verify.Stdout + verify.Stderr).Trim()}");
        }

        return new IntegrityReport(
            o["mib"]!.GetValue<int>(),
            o["pages"]!.GetValue<long>(),
            o["bad_pages"]!.GetValue<long>(),
            o["passes"]!.GetValue<long>(),
            problems,
            null);
    }
}
