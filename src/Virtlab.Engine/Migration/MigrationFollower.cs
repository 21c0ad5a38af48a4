using System.Text.Json.Nodes;
using Virtlab.Api;
using Virtlab.Engine.Domains;
using Virtlab.Qmp;

namespace Virtlab.Engine.Migration;

/// <summary>
/// A running outgoing migration: its capabilities and parameters, the poll of <c>query-migrate</c>, the triggers for
/// post-copy (after the first pass, at --timeout, on 'migrate-postcopy', or by the closed loop) and the closed loop's
/// steps (<see cref="ConvergenceMonitor"/>).
/// </summary>
internal sealed class MigrationFollower(MigrationOptions options, JobRecords jobs, Func<IVmOwnership> ownership, Action<string>? log)
{
    /// <summary>Capabilities and parameters before <c>migrate</c>; <paramref name="tlsCreds"/> null: plain TCP (tls-creds cleared).</summary>
    public static async Task ConfigureAsync(QmpClient qmp, MigrateRequest r, ConvergencePlan? plan, string? tlsCreds, string? tlsHostname, CancellationToken cancellationToken)
    {
        await qmp.MigrateSetCapabilitiesAsync(
            new Dictionary<string, bool>
            {
                ["auto-converge"] = r.AutoConverge,
                ["xbzrle"] = r.XbzrleCacheBytes is not null,
                ["postcopy-ram"] = r.Postcopy,
                ["events"] = true,
            },
            cancellationToken).ConfigureAwait(false);
        var parameters = new JsonObject
        {
            // Unlimited unless asked: QEMU's own default is 128 MiB/s (libvirt also lifts it).
            ["max-bandwidth"] = (r.BandwidthMiBs ?? 8192) * 1024L * 1024L,
            // The closed loop keeps room for what the switch-over costs beyond QEMU's own figure.
            ["downtime-limit"] = plan?.QemuDowntimeLimitMs ?? r.MaxDowntimeMs ?? 300,
        };
        if (plan is not null && r.AutoConverge)
        {
            // The largest throttle whose stalls fit the limit: QEMU's auto-converge never climbs past it.
            parameters["max-cpu-throttle"] = Math.Max(1, plan.MaxThrottle);
        }

        if (r.XbzrleCacheBytes is { } cache)
        {
            parameters["xbzrle-cache-size"] = cache;
        }

        MigrationTls.SetParameters(parameters, tlsCreds, tlsHostname);
        if (plan is { ThrottleInitial: > 0 })
        {
            parameters["cpu-throttle-initial"] = plan.ThrottleInitial;
        }

        await qmp.MigrateSetParametersAsync(parameters, cancellationToken).ConfigureAwait(false);
    }

    public async Task<MigrationInfo> FollowAsync(OutgoingMigration m, MigrateRequest r, CancellationToken cancellationToken)
    {
        var name = m.Name;
        var deadline = r.TimeoutSeconds is { } t ? TimeSpan.FromSeconds(t) : (TimeSpan?)null;
        var cancelSent = false;
        TimeSpan? cancellingSince = null;
        var transferred = -1L;
        var progressAt = m.Elapsed;
        while (true)
        {
            var info = await m.Domain.Qmp.QueryMigrateAsync(CancellationToken.None).ConfigureAwait(false);
            m.Samples.Add(JobInfoMapper.Sample(info, m.Elapsed.TotalSeconds));
            if (info.Ram?.Transferred is { } sent && sent != transferred)
            {
                transferred = sent;
                progressAt = m.Elapsed;
            }

            switch (info.Status)
            {
                case "active":
                    m.LastActiveUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                    break;
                case "completed":
                    m.SwitchOverUnixMs ??= m.LastActiveUnixMs;
                    return info;
                case "failed" when m.PostcopyStarted:
                    throw new VirtlabException(ErrorKind.QemuError, PostcopyFailed(m, info.ErrorDesc));
                case "failed":
                    throw new VirtlabException(
                        ErrorKind.QemuError,
                        $"migration of '{name}' to {m.Peer} failed: {info.ErrorDesc ?? "QEMU gave no reason"}: the guest keeps running on this host; the destination's QEMU was removed");
                case "cancelled" when m.GaveUp is { } gaveUp:
                    throw new VirtlabException(
                        ErrorKind.InvalidState,
                        $"cannot promise --max-downtime {r.MaxDowntimeMs} ms for '{name}': {gaveUp}. The migration to {m.Peer} was cancelled: the guest keeps running on this host; the destination's QEMU was removed. Allow post-copy (--postcopy), raise --bandwidth or --max-downtime, lower the guest's load, or add --force to let pre-copy go on without a promise");
                case "cancelled":
                    var why = m.StuckInSetup ? $"QEMU did not leave migration setup within {options.StuckTimeout.TotalSeconds:0} s"
                        : m.Stalled ? $"the destination took no data for {options.StuckTimeout.TotalSeconds:0} s: its QEMU or its host does not answer"
                        : m.TimedOut ? $"it did not finish within --timeout {r.TimeoutSeconds} s" : m.AbortRequested ? "domjobabort" : "cancelled";
                    throw new VirtlabException(
                        m.TimedOut || m.StuckInSetup || m.Stalled ? ErrorKind.Timeout : ErrorKind.InvalidState,
                        $"migration of '{name}' to {m.Peer} was cancelled ({why}): the guest keeps running on this host; the destination's QEMU was removed");
                case "postcopy-paused":
                    throw new VirtlabException(ErrorKind.QemuError, PostcopyFailed(m, "the connection between the hosts broke during post-copy"));
            }

            if (info.Status == "cancelling")
            {
                cancellingSince ??= m.Elapsed;
                if (m.Elapsed - cancellingSince > options.StuckTimeout)
                {
                    m.Domain.BlockMigration(MigrationBlockers.StuckCancelling);
                    throw new VirtlabException(
                        ErrorKind.QemuError,
                        $"QEMU's migration of '{name}' is stuck in 'cancelling' {options.StuckTimeout.TotalSeconds:0} s after migrate_cancel (a QEMU defect): " +
                        $"the guest keeps running on this host and the destination's QEMU was removed, but this QEMU process cannot migrate again; restart the domain to migrate it");
                }
            }

            if (!cancelSent && info.Status == "setup" && m.Elapsed > options.StuckTimeout)
            {
                cancelSent = true;
                m.StuckInSetup = true;
                log?.Invoke($"migrate '{name}': still in setup after {options.StuckTimeout.TotalSeconds:0} s, sending migrate_cancel");
                await m.Domain.Qmp.MigrateCancelAsync(CancellationToken.None).ConfigureAwait(false);
            }

            if (!cancelSent && !m.PostcopyStarted && info.Status == "active" && m.Elapsed - progressAt > options.StuckTimeout)
            {
                // Not a byte more in StuckTimeout: the stream is blocked (a stopped destination QEMU, a dead link).
                cancelSent = true;
                m.Stalled = true;
                log?.Invoke($"migrate '{name}': no data sent for {options.StuckTimeout.TotalSeconds:0} s, sending migrate_cancel");
                await m.Domain.Qmp.MigrateCancelAsync(CancellationToken.None).ConfigureAwait(false);
            }

            if (!cancelSent && !m.PostcopyStarted)
            {
                await SteerAsync(m, r, info, m.Elapsed.TotalSeconds).ConfigureAwait(false);
                cancelSent = m.GaveUp is not null;
            }

            var timedOut = deadline is { } d && m.Elapsed > d;
            if (!cancelSent && !m.PostcopyStarted && timedOut && r.TimeoutAction == "postcopy")
            {
                await StartPostcopyAsync(m, m.Elapsed.TotalSeconds, $"not done within --timeout {r.TimeoutSeconds} s (--timeout-action postcopy)").ConfigureAwait(false);
            }
            else if (!cancelSent && !m.PostcopyStarted && (cancellationToken.IsCancellationRequested || timedOut))
            {
                // A migration in post-copy cannot be cancelled: the guest already runs on the destination.
                m.TimedOut = !cancellationToken.IsCancellationRequested;
                cancelSent = true;
                log?.Invoke($"migrate '{name}': {(m.TimedOut ? "timeout" : "client went away")}, sending migrate_cancel");
                await m.Domain.Qmp.MigrateCancelAsync(CancellationToken.None).ConfigureAwait(false);
            }

            await Task.Delay(options.PollInterval, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Post-copy after the first pass (--postcopy-after-precopy), on request (migrate-postcopy), or the closed loop's step.</summary>
    private async Task SteerAsync(OutgoingMigration m, MigrateRequest r, MigrationInfo info, double seconds)
    {
        if (info.Status != "active")
        {
            return;
        }

        if (m.PostcopyRequested)
        {
            await StartPostcopyAsync(m, seconds, "requested with 'virtlab migrate-postcopy'").ConfigureAwait(false);
            return;
        }

        if ((r.PostcopyAfterPrecopy || m.Plan is { Postcopy: true }) && info.Ram?.DirtySyncCount >= 2)
        {
            await StartPostcopyAsync(m, seconds, m.Plan is { Postcopy: true } ? "the plan: pre-copy cannot meet the limit" : "the first pass is done (--postcopy-after-precopy)").ConfigureAwait(false);
            return;
        }

        if (m.Monitor?.Observe(info) is not { Action: not SteeringAction.None } step)
        {
            return;
        }

        if (step.Action == SteeringAction.GiveUp)
        {
            m.GaveUp = step.Reason;
            m.Steps.Add(new SteeringDecision(seconds, "cancel", step.Reason));
            log?.Invoke($"migrate '{m.Name}': {step.Reason}: sending migrate_cancel");
            await m.Domain.Qmp.MigrateCancelAsync(CancellationToken.None).ConfigureAwait(false);
            return;
        }

        if (step.Action == SteeringAction.RaiseThrottleIncrement)
        {
            await m.Domain.Qmp.MigrateSetParametersAsync(new JsonObject { ["cpu-throttle-increment"] = step.Value }, CancellationToken.None).ConfigureAwait(false);
            m.Steps.Add(new SteeringDecision(seconds, $"throttle step {step.Value} %", step.Reason));
            log?.Invoke($"migrate '{m.Name}': {step.Reason}");
        }
        else
        {
            await StartPostcopyAsync(m, seconds, step.Reason).ConfigureAwait(false);
        }
    }

    private async Task StartPostcopyAsync(OutgoingMigration m, double seconds, string why)
    {
        var name = m.Name;

        // The destination runs the guest from the switch on: it must own it first (a refusal fails the migration here).
        await m.HandOverAsync(ownership()).ConfigureAwait(false);
        if (jobs.Outgoing(name) is { } record)
        {
            // Before the switch: a daemon restarted from here on must never resume the source.
            jobs.SaveOutgoing(name, record with { PostcopyStarted = true });
        }

        m.PostcopyStarted = true;
        m.SwitchOverUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await m.Domain.Qmp.MigrateStartPostcopyAsync(CancellationToken.None).ConfigureAwait(false);
        m.Steps.Add(new SteeringDecision(seconds, "post-copy", why));
        log?.Invoke($"migrate '{name}': switched to post-copy ({why})");
    }

    /// <summary>Once post-copy has begun the guest runs on the destination with part of its memory still here: neither side can go on alone.</summary>
    public static string PostcopyFailed(OutgoingMigration m, string? why) =>
        $"post-copy migration of '{m.Name}' to {m.Peer} failed after the switch ({why ?? "QEMU gave no reason"}): the guest's memory is split between the two hosts, so neither copy can run alone. " +
        "Both QEMUs are left as they are (the source paused); if the destination's QEMU is alive, QEMU's post-copy recovery (migrate-recover) can resume it, otherwise the guest is lost: this is post-copy's known risk, which is why it is opt-in";
}
