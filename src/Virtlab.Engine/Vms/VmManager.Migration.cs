using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Virtlab.Api;
using Virtlab.Domain.Json;
using Virtlab.Engine.Host;
using Virtlab.Engine.Migration;
using Virtlab.Qmp;

namespace Virtlab.Engine.Vms;

/// <summary>
/// Live migration, source side (virsh migrate / domjobinfo / domjobabort). The destination
/// daemon prepares a QEMU with the same argv plus <c>-incoming defer</c>; this side sets
/// capabilities and parameters, runs <c>migrate</c> and polls <c>query-migrate</c>. Completed: the
/// destination waits for RESUME and its agent, then this side quits its QEMU and forgets the
/// definition. Anything else: the destination's QEMU is killed first, then this one resumes, so
/// there are never two running copies.
/// </summary>
public sealed partial class VmManager
{
    private readonly ConcurrentDictionary<string, OutgoingMigration> _migrations = new(StringComparer.Ordinal);
    private JobRecords? _jobs;

    /// <summary>The address incoming migrations listen on (the daemon's --listen address).</summary>
    public string MigrationListenAddress { get; init; } = "127.0.0.1";

    /// <summary>Destination-side checks before an incoming VM is prepared.</summary>
    public IReadOnlyList<IMigrationPreflight> MigrationPreflights { get; init; } = [new BasicMigrationPreflight()];

    /// <summary>How long a migration may sit in QEMU's 'setup' or 'cancelling' before Virtlab calls it stuck.</summary>
    public TimeSpan MigrationStuckTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the source polls query-migrate.</summary>
    public TimeSpan MigrationPollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    private JobRecords Jobs => _jobs ??= new JobRecords(Path.Combine(Paths.Home, "jobs"));

    public async Task<MigrateResult> MigrateAsync(string name, MigrateRequest request, CancellationToken cancellationToken)
    {
        var vm = GetRunning(name);
        var destination = VirtlabUri.Parse(request.Destination);
        CheckMigrateRequest(request);
        if (vm.Accel.Name == "tcg")
        {
            Qemu.EnsureSafeFor("migrate-tcg");
        }

        if (File.Exists(vm.Run.MigrationBlocker))
        {
            throw new VirtlabException(
                ErrorKind.Unsupported,
                $"refusing to migrate '{name}': {File.ReadAllText(vm.Run.MigrationBlocker).Trim()} (docs/MIGRATION.md). " +
                $"The guest is unharmed: restart it ('virtlab shutdown {name}', then 'virtlab start {name}') to migrate it");
        }

        if (!await vm.Job.WaitAsync(0, cancellationToken).ConfigureAwait(false))
        {
            throw new VirtlabException(ErrorKind.Busy, $"domain '{name}' has another job running: wait for it, or 'virtlab domjobabort {name}'");
        }

        OutgoingMigration? started = null;
        try
        {
            using var peer = new PeerClient(destination, request.Token);
            var wasPaused = vm.Paused;
            var convergence = await PlanConvergenceAsync(vm, request, peer, cancellationToken).ConfigureAwait(false);
            var effective = convergence?.Effective ?? request;
            var devices = await LiveDeviceReader.ReadAsync(vm.Qmp, cancellationToken).ConfigureAwait(false);
            var incoming = await peer.PrepareIncomingAsync(
                new IncomingRequest(DomainJson.Serialize(vm.Definition), Qemu.Version.ToString(), HostCpu.Read(), request.Postcopy, devices),
                cancellationToken).ConfigureAwait(false);
            Log?.Invoke($"migrate '{name}': destination {destination} listens on {incoming.MigrationUri} (QEMU pid {incoming.Pid})");

            var migration = new OutgoingMigration(vm, destination.ToString())
            {
                PostcopyAllowed = request.Postcopy,
                Plan = convergence?.Plan,
                Monitor = convergence is null ? null : new ConvergenceMonitor(convergence.Value.Report.DowntimeLimitMs, effective.AutoConverge, request.Postcopy),
            };
            _migrations[name] = started = migration;
            Jobs.SaveOutgoing(name, new OutgoingMigrationRecord(destination.ToString(), request.Token, wasPaused, DateTimeOffset.UtcNow));
            MigrationInfo final;
            try
            {
                if (request.Measure)
                {
                    migration.Pinger = StartPinger(vm);
                    await StartHeartbeatAsync(vm, cancellationToken).ConfigureAwait(false);
                }

                if (request.VerifyMiB is { } verifyMiB)
                {
                    await StartIntegrityWriterAsync(vm, verifyMiB, cancellationToken).ConfigureAwait(false);
                }

                migration.SourceClockOffsetMs = await TrySourceClockOffsetAsync(vm, cancellationToken).ConfigureAwait(false);

                await ConfigureMigrationAsync(vm.Qmp, effective, convergence?.Plan, cancellationToken).ConfigureAwait(false);
                migration.Origin = Stopwatch.GetTimestamp();
                await vm.Qmp.MigrateAsync(incoming.MigrationUri, cancellationToken).ConfigureAwait(false);
                final = await FollowMigrationAsync(migration, effective, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is VirtlabException or QmpException or OperationCanceledException or Virtlab.Qga.GuestAgentException)
            {
                if (migration.PostcopyStarted)
                {
                    // Nothing to take back: the guest ran on the destination already. Leave both sides for recovery.
                    Jobs.DeleteOutgoing(name);
                    throw e as VirtlabException ?? new VirtlabException(ErrorKind.QemuError, PostcopyFailed(migration, e.Message), e);
                }

                if (!await RecoverSourceAsync(migration, peer, wasPaused).ConfigureAwait(false))
                {
                    throw SettleLater(name, destination.ToString(), e);
                }

                if (e is VirtlabException)
                {
                    throw;
                }

                throw new VirtlabException(
                    e is OperationCanceledException ? ErrorKind.Timeout : ErrorKind.QemuError,
                    $"migration of '{name}' to {destination} did not complete ({e.Message}): the guest keeps running on this host; the destination's QEMU was removed",
                    e);
            }
            finally
            {
                _migrations.TryRemove(name, out _);
            }

            var job = JobInfoMapper.FromQmp(final, destination.ToString()) with { FinishedAt = DateTimeOffset.UtcNow };
            IncomingFinishReply finish;
            try
            {
                finish = await peer.FinishIncomingAsync(name, new IncomingFinishRequest(job, (int)Options.AgentReadyTimeout.TotalSeconds, request.Measure, request.VerifyMiB is not null), CancellationToken.None).ConfigureAwait(false);
                if (!finish.Running)
                {
                    throw new VirtlabException(ErrorKind.QemuError, $"the destination did not resume the guest: {finish.Problem}");
                }
            }
            catch (VirtlabException e)
            {
                // QEMU said completed but the destination did not take over: kill it there, resume here.
                if (!await RecoverSourceAsync(migration, peer, wasPaused).ConfigureAwait(false))
                {
                    throw SettleLater(name, destination.ToString(), e);
                }

                throw new VirtlabException(e.Kind, $"migration of '{name}' to {destination} failed at the switch-over ({e.Message}): the guest keeps running on this host", e);
            }

            await HandOverAsync(name, job).ConfigureAwait(false);
            Log?.Invoke($"migrated '{name}' to {destination} in {job.TimeElapsedMs} ms (downtime {job.DowntimeMs} ms)");
            var clock = finish.Clock is null ? null : finish.Clock with { SourceOffsetMs = migration.SourceClockOffsetMs };
            PingReport? ping = null;
            if (migration.Pinger is { } p)
            {
                // Half a second of the guest answering from its new host ends the trace.
                await Task.Delay(500, CancellationToken.None).ConfigureAwait(false);
                try
                {
                    ping = await p.StopAsync(migration.Origin, TimeSpan.FromMilliseconds(300)).ConfigureAwait(false);
                }
                catch (Exception e) when (e is System.Net.Sockets.SocketException or InvalidOperationException)
                {
                    // The guest has moved: a pinger problem must not turn a finished migration into an error.
                    Log?.Invoke($"migrate '{name}': the external ping failed: {e.Message}");
                }
            }

            var report = convergence?.Report is { } cr
                ? cr with { DowntimeMs = job.DowntimeMs, Met = job.DowntimeMs <= cr.DowntimeLimitMs }
                : null;
            return new MigrateResult(name, destination.ToString(), job, finish.AgentAnswered, clock, finish.GuestGap, migration.Samples, ping, report, migration.Steps, finish.Integrity);
        }
        finally
        {
            if (started?.Pinger is { } pinger)
            {
                await pinger.DisposeAsync().ConfigureAwait(false);
            }

            vm.Job.Release();
        }
    }

    private const string StuckCancelling = "an earlier migration of this QEMU process is stuck inside QEMU ('cancelling')";

    /// <summary>Marks this QEMU process as one that must not be migrated, with the reason migrate will give (run/NAME/no-migrate).</summary>
    private static void BlockMigration(VmInstance vm, string reason) => File.WriteAllText(vm.Run.MigrationBlocker, reason);

    /// <summary>The transfer completed but the destination cannot be reached to remove its copy: settle in the background.</summary>
    private VirtlabException SettleLater(string name, string destination, Exception cause)
    {
        if (_running.TryGetValue(name, out var vm) && Jobs.Outgoing(name) is { } record)
        {
            _ = Task.Run(() => SettleInterruptedMigrationAsync(vm, record), CancellationToken.None);
        }

        return new VirtlabException(
            ErrorKind.QemuError,
            $"migration of '{name}' to {destination} transferred everything, but the destination cannot be reached ({cause.Message}): the guest may run there, so it stays paused here; " +
            $"this daemon keeps asking the destination and then either hands the guest over or resumes it here ('virtlab list' shows which)",
            cause);
    }

    /// <summary>virsh domjobinfo: the running migration job, or (completed) the last finished one.</summary>
    public async Task<JobInfo> JobInfoAsync(string name, bool completed, CancellationToken cancellationToken)
    {
        if (completed)
        {
            return Jobs.Last(name) ?? (Store.FindDomain(name) is null ? throw NotFound(name) : new JobInfo("None", string.Empty, "none"));
        }

        if (_migrations.TryGetValue(name, out var m))
        {
            return JobInfoMapper.FromQmp(await m.Vm.Qmp.QueryMigrateAsync(cancellationToken).ConfigureAwait(false), m.Peer);
        }

        if (_incoming.TryGetValue(name, out var inc))
        {
            return JobInfoMapper.FromQmp(await inc.Qmp.QueryMigrateAsync(cancellationToken).ConfigureAwait(false), null, "Incoming migration");
        }

        _ = GetDefinition(name);
        return new JobInfo("None", string.Empty, "none");
    }

    /// <summary>virsh domjobabort: migrate_cancel; the migration call then cleans the destination and keeps the guest here.</summary>
    public async Task JobAbortAsync(string name, CancellationToken cancellationToken)
    {
        if (!_migrations.TryGetValue(name, out var m))
        {
            _ = GetRunning(name);
            throw new VirtlabException(ErrorKind.InvalidState, $"domain '{name}' has no migration job running");
        }

        m.AbortRequested = true;
        await m.Vm.Qmp.MigrateCancelAsync(cancellationToken).ConfigureAwait(false);
        Log?.Invoke($"migrate '{name}': migrate_cancel sent (domjobabort)");
    }

    private static void CheckMigrateRequest(MigrateRequest r)
    {
        if (!r.Live)
        {
            throw new VirtlabException(ErrorKind.Unsupported, "only live migration is implemented: add --live");
        }

        if (!r.Postcopy && (r.TimeoutAction == "postcopy" || r.PostcopyAfterPrecopy))
        {
            throw new VirtlabException(ErrorKind.InvalidInput, "switching to post-copy needs --postcopy (post-copy cannot fall back: once switched, the guest needs both hosts until it completes)");
        }

        if (r.TimeoutAction is not (null or "abort"))
        {
            throw new VirtlabException(ErrorKind.InvalidInput, $"--timeout-action '{r.TimeoutAction}': give abort or postcopy");
        }

        if (r.TimeoutAction is not null && r.TimeoutSeconds is null)
        {
            throw new VirtlabException(ErrorKind.InvalidInput, "--timeout-action needs --timeout S");
        }

        if (r.VerifyMiB is < 1 or > 4096)
        {
            throw new VirtlabException(ErrorKind.InvalidInput, $"--verify {r.VerifyMiB}: give the MiB the guest keeps rewriting during the migration, 1 to 4096 (and well below its RAM)");
        }

        if (r.TimeoutSeconds is <= 0 || r.MaxDowntimeMs is <= 0 || r.BandwidthMiBs is <= 0 || r.XbzrleCacheBytes is < 4096)
        {
            throw new VirtlabException(ErrorKind.InvalidInput, "--timeout, --max-downtime and --bandwidth must be positive, --xbzrle's cache at least 4 KiB");
        }
    }

    /// <summary>
    /// After a failed or cancelled migration: kill the destination's QEMU first, then resume the guest here. When QEMU
    /// had already completed the transfer and the destination cannot be reached to kill its copy, that copy may be
    /// running: the source then stays paused and the outgoing record stays, to be settled later (false).
    /// </summary>
    private async Task<bool> RecoverSourceAsync(OutgoingMigration m, PeerClient peer, bool wasPaused)
    {
        var name = m.Vm.Definition.Name;
        if (m.PostcopyStarted || Jobs.Outgoing(name) is { PostcopyStarted: true })
        {
            Log?.Invoke($"migrate '{name}': post-copy had begun; the source is not resumed (its memory is stale) and {m.Peer} keeps its copy");
            Jobs.DeleteOutgoing(name);
            return true;
        }

        var destinationCleared = true;
        try
        {
            await peer.AbortIncomingAsync(name, CancellationToken.None).ConfigureAwait(false);
        }
        catch (VirtlabException e)
        {
            destinationCleared = false;
            Log?.Invoke($"migrate '{name}': could not remove the incoming VM on {m.Peer}: {e.Message}");
        }

        MigrationInfo? last = null;
        try
        {
            last = await m.Vm.Qmp.QueryMigrateAsync(CancellationToken.None).ConfigureAwait(false);
            if (last.Status == "completed" && !destinationCleared)
            {
                Log?.Invoke($"migrate '{name}': QEMU completed the transfer and {m.Peer} cannot be reached: the guest may run there, so it stays paused here until the destination answers");
                return false;
            }

            if (last.Status is "active" or "setup" or "device" or "pre-switchover")
            {
                await m.Vm.Qmp.MigrateCancelAsync(CancellationToken.None).ConfigureAwait(false);
            }

            for (var i = 0; i < 50; i++)
            {
                last = await m.Vm.Qmp.QueryMigrateAsync(CancellationToken.None).ConfigureAwait(false);
                if (last.Status is not ("active" or "setup" or "device" or "cancelling" or "pre-switchover"))
                {
                    break;
                }

                await Task.Delay(100).ConfigureAwait(false);
            }

            var status = await m.Vm.Qmp.QueryStatusAsync(CancellationToken.None).ConfigureAwait(false);
            if (!wasPaused && !status.Running)
            {
                await m.Vm.Qmp.ContAsync(CancellationToken.None).ConfigureAwait(false);
                Log?.Invoke($"migrate '{name}': source was '{status.Status}', resumed it");
            }
        }
        catch (QmpException e)
        {
            Log?.Invoke($"migrate '{name}': could not query/resume the source: {e.Message}");
        }

        var job = last is null
            ? new JobInfo("Failed", "Outgoing migration", "failed", Peer: m.Peer)
            : JobInfoMapper.FromQmp(last, m.Peer);
        if (job.JobType is "Completed" or "Unbounded" or "None")
        {
            job = job with { JobType = "Failed", Status = "failed" };
        }

        Jobs.Save(name, job with { FinishedAt = DateTimeOffset.UtcNow });
        Jobs.DeleteOutgoing(name);
        return true;
    }

    /// <summary>The guest runs on the destination now: quit the source QEMU (paused in postmigrate) and forget the domain here.</summary>
    private async Task HandOverAsync(string name, JobInfo job)
    {
        Jobs.Save(name, job);
        if (_running.ContainsKey(name))
        {
            await DestroyAsync(name, CancellationToken.None).ConfigureAwait(false);
        }

        Store.RemoveDomain(name);
        Jobs.DeleteOutgoing(name);
        TryDeleteRunDir(Paths.VmRunDir(name));
    }

    /// <summary>A migration this daemon is sending.</summary>
    private sealed class OutgoingMigration(VmInstance vm, string peer)
    {
        public VmInstance Vm { get; } = vm;

        public string Peer { get; } = peer;

        public List<JobSample> Samples { get; } = [];

        public bool AbortRequested { get; set; }

        public bool TimedOut { get; set; }

        public bool StuckInSetup { get; set; }

        /// <summary>Stopwatch ticks when <c>migrate</c> was sent: time zero of the samples and the ping trace.</summary>
        public long Origin { get; set; } = Stopwatch.GetTimestamp();

        /// <summary>The external pinger (--measure on a guest with an address on the lab network); disposed when the migrate call ends.</summary>
        public Network.IcmpPinger? Pinger { get; set; }

        /// <summary>The migration was started with --postcopy.</summary>
        public bool PostcopyAllowed { get; init; }

        /// <summary>'virtlab migrate-postcopy' asked for the switch; the poll loop makes it.</summary>
        public bool PostcopyRequested { get; set; }

        /// <summary>migrate-start-postcopy was sent: from here on the source is never resumed.</summary>
        public bool PostcopyStarted { get; set; }

        /// <summary>The closed loop's plan (--max-downtime), its in-flight half, and the steps it took.</summary>
        public ConvergencePlan? Plan { get; init; }

        public ConvergenceMonitor? Monitor { get; init; }

        public List<SteeringDecision> Steps { get; } = [];

        public double? SourceClockOffsetMs { get; set; }
    }

    /// <summary>Time since a migration's origin.</summary>
    private readonly struct MigrationClock(long origin)
    {
        public TimeSpan Elapsed => Stopwatch.GetElapsedTime(origin);
    }

    /// <summary>Starts pinging the guest's lab-network address, or returns null (no address, or no ICMP socket: logged).</summary>
    private Network.IcmpPinger? StartPinger(VmInstance vm)
    {
        if (vm.Definition.Interface?.Address is not { } address)
        {
            return null;
        }

        try
        {
            return Network.IcmpPinger.Start(System.Net.IPAddress.Parse(address), TimeSpan.FromMilliseconds(10));
        }
        catch (VirtlabException e)
        {
            Log?.Invoke($"migrate '{vm.Definition.Name}': no external ping: {e.Message}");
            return null;
        }
    }

    /// <summary>The guest's clock offset on the source just before migrating (null without a guest agent).</summary>
    private async Task<double?> TrySourceClockOffsetAsync(VmInstance vm, CancellationToken cancellationToken)
    {
        if (!vm.Definition.GuestAgent)
        {
            return null;
        }

        try
        {
            return (await MeasureOffsetAsync(vm, cancellationToken).ConfigureAwait(false)).OffsetSeconds * 1000;
        }
        catch (VirtlabException e)
        {
            Log?.Invoke($"migrate '{vm.Definition.Name}': no clock reading before migrating: {e.Message}");
            return null;
        }
    }
}
