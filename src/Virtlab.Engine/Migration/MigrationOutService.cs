using Virtlab.Api;
using Virtlab.Domain.Json;
using Virtlab.Domain.State;
using Virtlab.Engine.Domains;
using Virtlab.Engine.Guest;
using Virtlab.Engine.Host;
using Virtlab.Engine.Peers;
using Virtlab.Qmp;

namespace Virtlab.Engine.Migration;

/// <summary>
/// Live migration, source side (virsh migrate / domjobinfo / domjobabort / migrate-postcopy). The destination daemon
/// prepares a QEMU with the same argv plus <c>-incoming defer</c> (<see cref="MigrationInService"/>); this side sets
/// capabilities and parameters, runs <c>migrate</c> and follows <c>query-migrate</c> (<see cref="MigrationFollower"/>).
/// Completed: the destination waits for RESUME and its agent, then this side quits its QEMU and forgets the definition.
/// Anything else: the destination's QEMU is killed first, then this one resumes, so there are never two running copies
/// (<see cref="SourceRecovery"/>). The domain holds job 'migration-out' throughout.
/// </summary>
public sealed class MigrationOutService
{
    private readonly EngineContext _context;
    private readonly JobRecords _jobs;
    private readonly OutgoingMigrations _running;
    private readonly MigrationFollower _follower;
    private readonly ConvergencePreflight _convergence;
    private readonly SourceRecovery _recovery;
    private readonly MigrationSettler _settler;

    internal MigrationOutService(EngineContext context, MigrationOptions options, JobRecords jobs, OutgoingMigrations running, SourceRecovery recovery, MigrationSettler settler)
    {
        _context = context;
        _jobs = jobs;
        _running = running;
        _recovery = recovery;
        _settler = settler;
        _follower = new MigrationFollower(options, jobs, () => context.Ownership, context.Log);
        _convergence = new ConvergencePreflight(options, context.Log);
    }

    public async Task<MigrateResult> MigrateAsync(string name, MigrateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var domain = _context.GetRunning(name);
        var destination = VirtlabUri.Parse(request.Destination);
        MigrateRequestCheck.Check(request);
        if (domain.MigrationBlocker is { } blocker)
        {
            throw new VirtlabException(
                ErrorKind.Unsupported,
                $"refusing to migrate '{name}': {blocker} (docs/MIGRATION.md). " +
                $"The guest is unharmed: restart it ('virtlab shutdown {name}', then 'virtlab start {name}') to migrate it");
        }

        using var job = domain.Job.Begin(DomainJobKind.MigrationOut);
        domain.EnsureAllowed(DomainAction.Migrate);
        if (!domain.Accel.IsKvm)
        {
            _context.Qemu.EnsureSafeFor("migrate-tcg");
        }
        using var peer = new PeerClient(destination, request.Token, _context.PeerTls.Value);
        var wasPaused = domain.Paused;
        var convergence = await QmpCalls.CallAsync(domain, _ => _convergence.PlanAsync(domain, request, peer, cancellationToken)).ConfigureAwait(false);
        var effective = convergence?.Effective ?? request;
        var devices = await QmpCalls.CallAsync(domain, q => LiveDeviceReader.ReadAsync(q, cancellationToken)).ConfigureAwait(false);
        RecordOutgoing(name, new OutgoingMigrationRecord(destination.ToString(), request.Token, wasPaused, DateTimeOffset.UtcNow));
        IncomingReply incoming;
        try
        {
            incoming = await peer.PrepareIncomingAsync(
                new IncomingRequest(DomainJson.Serialize(domain.Definition), _context.Qemu.Version.ToString(), HostCpu.Read(), request.Postcopy, devices, Tls: !request.NoTls),
                cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _jobs.DeleteOutgoing(name);
            throw;
        }

        _context.Log?.Invoke($"migrate '{name}': destination {destination} listens on {incoming.MigrationUri} (QEMU pid {incoming.Pid})");

        var migration = new OutgoingMigration(domain, destination.ToString())
        {
            DestinationHost = incoming.ClusterHost,
            DestinationHostname = destination.Host,
            PostcopyAllowed = request.Postcopy,
            Plan = convergence?.Plan,
            Monitor = convergence is not { Plan: var plan } ? null : new ConvergenceMonitor(plan.QemuDowntimeLimitMs ?? convergence.Value.Report.DowntimeLimitMs, effective.AutoConverge, request.Postcopy, plan.MaxThrottle, promised: !request.Force),
        };
        try
        {
            var final = await TransferAsync(migration, request, effective, incoming, peer, wasPaused, cancellationToken).ConfigureAwait(false);
            return await SwitchOverAsync(migration, effective, final, convergence?.Report, peer, wasPaused).ConfigureAwait(false);
        }
        finally
        {
            if (migration.Pinger is { } pinger)
            {
                await pinger.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>virsh domjobinfo: the running migration job (out or in), or (completed) the last finished one.</summary>
    public async Task<JobInfo> JobInfoAsync(string name, bool completed, CancellationToken cancellationToken)
    {
        if (completed)
        {
            return _jobs.Last(name) ?? (_context.Store.FindDomain(name) is null ? throw EngineContext.NotFound(name) : new JobInfo("None", string.Empty, "none"));
        }

        if (_running.TryGet(name, out var m))
        {
            return JobInfoMapper.FromQmp(await m.Domain.Qmp.QueryMigrateAsync(cancellationToken).ConfigureAwait(false), m.Peer);
        }

        if (_context.Domains.TryGet(name, out var domain) && domain.Job.Current == DomainJobKind.MigrationIn)
        {
            return JobInfoMapper.FromQmp(await domain.Qmp.QueryMigrateAsync(cancellationToken).ConfigureAwait(false), null, "Incoming migration");
        }

        _ = _context.GetDefinition(name);
        return new JobInfo("None", string.Empty, "none");
    }

    /// <summary>virsh domjobabort: migrate_cancel; the migration call then cleans the destination and keeps the guest here.</summary>
    public async Task JobAbortAsync(string name, CancellationToken cancellationToken)
    {
        var m = RunningMigration(name);
        m.AbortRequested = true;
        await m.Domain.Qmp.MigrateCancelAsync(cancellationToken).ConfigureAwait(false);
        _context.Log?.Invoke($"migrate '{name}': migrate_cancel sent (domjobabort)");
    }

    /// <summary>virsh migrate-postcopy: switch the running migration to post-copy (it must have been started with --postcopy).</summary>
    public void MigratePostcopy(string name)
    {
        var m = RunningMigration(name);
        if (!m.PostcopyAllowed)
        {
            throw new VirtlabException(ErrorKind.InvalidState, $"the migration of '{name}' was started without --postcopy, so it cannot switch to post-copy");
        }

        m.PostcopyRequested = true;
    }

    private OutgoingMigration RunningMigration(string name)
    {
        if (_running.TryGet(name, out var m))
        {
            return m;
        }

        _ = _context.GetRunning(name);
        throw new VirtlabException(ErrorKind.InvalidState, $"domain '{name}' has no migration job running");
    }

    /// <summary>
    /// Before the destination starts anything: the outgoing record is written, and the state database proven to take
    /// a write (it must, to forget the domain once the destination runs it). A full disk or a locked state.db refuses
    /// the migration here, with nothing started, rather than leaving an incoming guest there or a stale definition here.
    /// </summary>
    private void RecordOutgoing(string name, OutgoingMigrationRecord record)
    {
        try
        {
            _context.Store.CheckWritable();
            _jobs.SaveOutgoing(name, record);
        }
        catch (Exception e) when (e is VirtlabException { Kind: ErrorKind.StateUnavailable } or IOException or UnauthorizedAccessException)
        {
            // Nothing of this migration was written (the record's write is a rename of a complete file), so nothing to remove.
            throw new VirtlabException(
                ErrorKind.StateUnavailable,
                $"refusing to migrate '{name}': this host cannot record the migration ({e.Message}), and must, to forget the domain once the destination runs it. " +
                $"Nothing was started: the guest keeps running here. Free space in {_context.Paths.Home} (or end what holds its state.db), then try again",
                e);
        }
    }

    /// <summary>From the first parameter to QEMU's 'completed'; on any failure the guest is taken back here.</summary>
    private async Task<MigrationInfo> TransferAsync(
        OutgoingMigration migration, MigrateRequest request, MigrateRequest effective, IncomingReply incoming, PeerClient peer, bool wasPaused, CancellationToken cancellationToken)
    {
        var domain = migration.Domain;
        var name = domain.Name;
        _running.Add(migration);
        domain.Transition(DomainState.Migrating, "migrate");
        try
        {
            if (effective.Measure)
            {
                migration.Pinger = StartPinger(domain);
                await GuestProbes.StartHeartbeatAsync(domain, cancellationToken).ConfigureAwait(false);
            }

            if (request.VerifyMiB is { } verifyMiB)
            {
                await GuestProbes.StartIntegrityWriterAsync(domain, verifyMiB, cancellationToken).ConfigureAwait(false);
            }

            migration.SourceClockOffsetMs = await TrySourceClockOffsetAsync(domain, cancellationToken).ConfigureAwait(false);
            var creds = request.NoTls ? null : await MigrationTls.AddClientAsync(domain.Qmp, _context.PeerTls.Value.Directory, cancellationToken).ConfigureAwait(false);
            await MigrationFollower.ConfigureAsync(domain.Qmp, effective, migration.Plan, creds, migration.DestinationHostname, cancellationToken).ConfigureAwait(false);
            migration.Transport = MigrationTls.Describe(await MigrationTls.ReadCredsAsync(domain.Qmp, cancellationToken).ConfigureAwait(false), incoming.TlsCreds, migration.DestinationHostname);
            migration.Origin = System.Diagnostics.Stopwatch.GetTimestamp();
            await domain.Qmp.MigrateAsync(incoming.MigrationUri, cancellationToken).ConfigureAwait(false);
            return await _follower.FollowAsync(migration, effective, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is VirtlabException or QmpException or OperationCanceledException or Virtlab.Qga.GuestAgentException or ObjectDisposedException)
        {
            if (migration.PostcopyStarted)
            {
                // Nothing to take back: the guest ran on the destination already. Leave both sides for recovery.
                _jobs.DeleteOutgoing(name);
                throw e as VirtlabException ?? new VirtlabException(ErrorKind.QemuError, MigrationFollower.PostcopyFailed(migration, e.Message), e);
            }

            if (!await _recovery.RecoverAsync(migration, peer, wasPaused).ConfigureAwait(false))
            {
                throw SettleLater(domain, migration.Peer, e);
            }

            if (domain.Process.HasExited)
            {
                throw new VirtlabException(
                    ErrorKind.QemuError,
                    $"QEMU of '{name}' exited during the migration to {migration.Peer} ({Process.ChildProcess.DescribeExit(await domain.Process.Exited.ConfigureAwait(false))}): the guest runs nowhere now; " +
                    $"the destination's QEMU was removed and the definition is kept here: 'virtlab start {name}' boots it again",
                    e);
            }

            if (e is VirtlabException)
            {
                throw;
            }

            throw new VirtlabException(
                e is OperationCanceledException ? ErrorKind.Timeout : ErrorKind.QemuError,
                $"migration of '{name}' to {migration.Peer} did not complete ({e.Message}): the guest keeps running on this host; the destination's QEMU was removed",
                e);
        }
        finally
        {
            _running.Remove(name);
        }
    }

    /// <summary>QEMU completed: the destination takes over (or, if it does not, the guest is taken back), then the report.</summary>
    private async Task<MigrateResult> SwitchOverAsync(OutgoingMigration migration, MigrateRequest request, MigrationInfo final, ConvergenceReport? plan, PeerClient peer, bool wasPaused)
    {
        var domain = migration.Domain;
        var name = domain.Name;
        var job = JobInfoMapper.FromQmp(final, migration.Peer) with { FinishedAt = DateTimeOffset.UtcNow };
        IncomingFinishReply finish;
        try
        {
            await migration.HandOverAsync(_context.Ownership).ConfigureAwait(false);
            finish = await peer.FinishIncomingAsync(name, new IncomingFinishRequest(job, (int)_context.Options.AgentReadyTimeout.TotalSeconds, request.Measure, request.VerifyMiB is not null), CancellationToken.None).ConfigureAwait(false);
            if (!finish.Running)
            {
                throw new VirtlabException(ErrorKind.QemuError, $"the destination did not resume the guest: {finish.Problem}");
            }
        }
        catch (VirtlabException e)
        {
            // QEMU said completed but the destination did not take over: kill it there, resume here.
            await migration.TakeBackAsync(_context.Ownership).ConfigureAwait(false);
            if (!await _recovery.RecoverAsync(migration, peer, wasPaused).ConfigureAwait(false))
            {
                throw SettleLater(domain, migration.Peer, e);
            }

            throw new VirtlabException(e.Kind, $"migration of '{name}' to {migration.Peer} failed at the switch-over ({e.Message}): the guest keeps running on this host", e);
        }

        await _recovery.HandOverAsync(domain, job).ConfigureAwait(false);
        _context.Log?.Invoke($"migrated '{name}' to {migration.Peer} in {job.TimeElapsedMs} ms (downtime {job.DowntimeMs} ms)");
        var clock = finish.Clock is null ? null : finish.Clock with { SourceOffsetMs = migration.SourceClockOffsetMs };
        var ping = await StopPingerAsync(migration).ConfigureAwait(false);
        var report = plan is { } cr ? Judged(cr, migration, job, finish.GuestGap, ping) : null;
        return new MigrateResult(name, migration.Peer, job, finish.AgentAnswered, clock, finish.GuestGap, migration.Samples, ping, report, migration.Steps, finish.Integrity, migration.Transport);
    }

    /// <summary>The limit is met when the longest stop the guest and the network saw (and QEMU's downtime) fits it.</summary>
    private static ConvergenceReport Judged(ConvergenceReport cr, OutgoingMigration m, JobInfo job, GuestGapReport? gap, PingReport? ping)
    {
        var stalls = StallJudge.Judge(gap, ping, job.DowntimeMs, m.SourceClockOffsetMs, m.SwitchOverUnixMs);
        return cr with { DowntimeMs = job.DowntimeMs, Met = stalls.LargestMs <= cr.DowntimeLimitMs, MaxThrottle = m.Plan?.MaxThrottle, Stalls = stalls };
    }

    /// <summary>The transfer completed but the destination cannot be reached to remove its copy: settle in the background.</summary>
    private VirtlabException SettleLater(DomainObject domain, string destination, Exception cause)
    {
        _settler.SettleIfInterrupted(domain);
        return new VirtlabException(
            ErrorKind.QemuError,
            $"migration of '{domain.Name}' to {destination} transferred everything, but the destination cannot be reached ({cause.Message}): the guest may run there, so it stays paused here; " +
            $"this daemon keeps asking the destination and then either hands the guest over or resumes it here ('virtlab list' shows which)",
            cause);
    }

    /// <summary>Starts pinging the guest's lab-network address, or returns null (no address, or no ICMP socket: logged).</summary>
    private Network.IcmpPinger? StartPinger(DomainObject domain)
    {
        if (domain.Definition.Interface?.Address is not { } address)
        {
            return null;
        }

        try
        {
            return Network.IcmpPinger.Start(System.Net.IPAddress.Parse(address), TimeSpan.FromMilliseconds(10));
        }
        catch (VirtlabException e)
        {
            _context.Log?.Invoke($"migrate '{domain.Name}': no external ping: {e.Message}");
            return null;
        }
    }

    /// <summary>Half a second of the guest answering from its new host ends the trace; a pinger problem never fails a finished migration.</summary>
    private async Task<PingReport?> StopPingerAsync(OutgoingMigration migration)
    {
        if (migration.Pinger is not { } p)
        {
            return null;
        }

        await Task.Delay(500, CancellationToken.None).ConfigureAwait(false);
        try
        {
            return await p.StopAsync(migration.Origin, TimeSpan.FromMilliseconds(300)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or InvalidOperationException)
        {
            _context.Log?.Invoke($"migrate '{migration.Name}': the external ping failed: {e.Message}");
            return null;
        }
    }

    /// <summary>The guest's clock offset on the source just before migrating (null without a guest agent).</summary>
    private async Task<double?> TrySourceClockOffsetAsync(DomainObject domain, CancellationToken cancellationToken)
    {
        if (!domain.Definition.GuestAgent)
        {
            return null;
        }

        try
        {
            return (await GuestClock.MeasureOffsetAsync(domain, cancellationToken).ConfigureAwait(false)).OffsetSeconds * 1000;
        }
        catch (VirtlabException e)
        {
            _context.Log?.Invoke($"migrate '{domain.Name}': no clock reading before migrating: {e.Message}");
            return null;
        }
    }
}
