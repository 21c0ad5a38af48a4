using System.Collections.Concurrent;
using Virtlab.Api;
using Virtlab.Domain.Definitions;
using Virtlab.Domain.Json;
using Virtlab.Domain.State;
using Virtlab.Engine.Domains;
using Virtlab.Engine.Guest;
using Virtlab.Engine.Host;
using Virtlab.Qmp;

namespace Virtlab.Engine.Migration;

/// <summary>
/// Live migration, destination side: prepare (preflight, define, QEMU with <c>-incoming defer</c>,
/// <c>migrate-incoming</c>), finish (wait for RESUME, resync the agent, read the heartbeat, fix the clock, verify) or
/// abort (kill the incoming QEMU, forget the definition). An incoming domain holds job 'migration-in' from prepare to
/// finish or abort, so nothing else changes it meanwhile; only VMs this side prepared can be aborted.
/// </summary>
public sealed class MigrationInService
{
    private readonly ConcurrentDictionary<string, (DomainObject Domain, JobLease Job)> _incoming = new(StringComparer.Ordinal);
    private readonly EngineContext _context;
    private readonly MigrationOptions _options;
    private readonly JobRecords _jobs;
    private readonly DomainDefiner _definer;
    private readonly DomainLauncher _launcher;
    private readonly DomainStopper _stopper;

    internal MigrationInService(EngineContext context, MigrationOptions options, JobRecords jobs)
    {
        _context = context;
        _options = options;
        _jobs = jobs;
        _definer = new DomainDefiner(context);
        _launcher = new DomainLauncher(context);
        _stopper = new DomainStopper(context);
        context.Domains.Exited += ForgetIfIncoming;
    }

    public async Task<IncomingReply> PrepareAsync(IncomingRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var def = DomainJson.Deserialize(request.DefinitionJson);
        return await _context.Domains.WithNameLockAsync(def.Name, async () =>
        {
            var preflight = new MigrationPreflightContext(
                def,
                request.SourceCpu,
                HostCpu.Read(),
                request.SourceQemuVersion,
                _context.Qemu.Version.ToString(),
                n => _context.Store.FindDomain(n) is not null || _context.Domains.Contains(n),
                IncomingChecks.ImageProblem(_context.Paths));
            var devices = request.Devices ?? LiveDevices.None;
            var problems = _options.Preflights.SelectMany(p => p.Check(preflight)).Concat(IncomingChecks.LiveDeviceProblems(def, devices)).ToList();
            if (problems.Count > 0)
            {
                throw new VirtlabException(ErrorKind.InvalidState, $"cannot take '{def.Name}' here: {string.Join("; ", problems)}");
            }

            if (_context.Accel.Select(def.Accel).Name == "tcg")
            {
                _context.Qemu.EnsureSafeFor("migrate-tcg");
            }

            _definer.Define(def);
            DomainObject? domain = null;
            try
            {
                domain = await _launcher.LaunchAsync(def, devices, cancellationToken).ConfigureAwait(false);
                var job = domain.Job.Begin(DomainJobKind.MigrationIn);
                _incoming[def.Name] = (domain, job);
                _jobs.MarkIncoming(def.Name);
                if (request.Postcopy)
                {
                    // Both sides need the capability before the stream starts; the destination then serves page faults.
                    await domain.Qmp.MigrateSetCapabilitiesAsync(new Dictionary<string, bool> { ["postcopy-ram"] = true }, cancellationToken).ConfigureAwait(false);
                }

                var creds = request.Tls ? await MigrationTls.ListenWithAsync(domain.Qmp, _context.PeerTls.Value.Directory, cancellationToken).ConfigureAwait(false) : null;
                var uri = await IncomingChecks.ListenAsync(domain, _options.ListenAddress, cancellationToken).ConfigureAwait(false);
                _context.Log?.Invoke($"incoming '{def.Name}': QEMU pid {domain.Process.Pid} waits on {uri}{(creds is null ? " (plain TCP)" : $" (TLS, tls-creds {creds})")}");
                return new IncomingReply(def.Name, uri, domain.Process.Pid, _context.Ownership.HostId, creds);
            }
            catch
            {
                if (domain is not null)
                {
                    Release(def.Name);
                    await _stopper.KillAsync(domain).ConfigureAwait(false);
                }

                _context.Store.RemoveDomain(def.Name);
                RunDirectory.TryDeleteAll(_context.Paths.VmRunDir(def.Name));
                throw;
            }
        }).ConfigureAwait(false);
    }

    public async Task<IncomingFinishReply> FinishAsync(string name, IncomingFinishRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_incoming.TryGetValue(name, out var incoming))
        {
            throw new VirtlabException(ErrorKind.NotFound, $"no incoming migration of '{name}' here");
        }

        var domain = incoming.Domain;

        // QEMU sends RESUME once the incoming side has loaded everything; wait for it (bounded).
        var deadline = DateTime.UtcNow + _options.IncomingResumeTimeout;
        StatusInfo status;
        while (true)
        {
            status = await domain.Qmp.QueryStatusAsync(cancellationToken).ConfigureAwait(false);
            if (status.Running || DateTime.UtcNow > deadline || domain.Process.HasExited)
            {
                break;
            }

            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }

        if (!status.Running)
        {
            return new IncomingFinishReply(false, false, null, null, $"the incoming QEMU is '{status.Status}', not running, {_options.IncomingResumeTimeout.TotalSeconds:0} s after the source completed");
        }

        domain.Transition(DomainState.Running, "the incoming migration completed");
        _jobs.UnmarkIncoming(name);
        _jobs.Save(name, request.Job with { Operation = "Incoming migration" });
        try
        {
            return await AfterSwitchOverAsync(domain, request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Release(name);
        }
    }

    /// <summary>What this host holds of <paramref name="name"/>, for a source settling an interrupted migration.</summary>
    public IncomingStatus StatusOf(string name) =>
        new(name, _incoming.ContainsKey(name) ? "incoming" : _context.Domains.Contains(name) ? "running" : "absent");

    /// <summary>Kills and forgets a VM this side prepared for an incoming migration; a no-op for any other VM.</summary>
    public async Task AbortAsync(string name)
    {
        if (!_incoming.TryGetValue(name, out var incoming))
        {
            return;
        }

        Release(name);
        _jobs.UnmarkIncoming(name);
        await _stopper.KillAsync(incoming.Domain).ConfigureAwait(false);
        if (!_context.Domains.Contains(name))
        {
            _context.Store.RemoveDomain(name);
            RunDirectory.TryDeleteAll(_context.Paths.VmRunDir(name));
        }

        _context.Log?.Invoke($"incoming '{name}': aborted, QEMU pid {incoming.Domain.Process.Pid} gone, definition removed");
    }

    /// <summary>A daemon restarted while a VM was prepared for an incoming migration: it waits again, for its source to settle it.</summary>
    public bool AdoptIfIncoming(DomainObject domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        if (!_jobs.IsIncoming(domain.Name))
        {
            return false;
        }

        _incoming[domain.Name] = (domain, domain.Job.Begin(DomainJobKind.MigrationIn));
        return true;
    }

    private async Task<IncomingFinishReply> AfterSwitchOverAsync(DomainObject domain, IncomingFinishRequest request, CancellationToken cancellationToken)
    {
        var agentOk = false;
        ClockReport? clock = null;
        GuestGapReport? gap = null;
        IntegrityReport? integrity = null;
        if (domain.Definition.GuestAgent)
        {
            try
            {
                await GuestAgent.CallAsync(domain, TimeSpan.FromSeconds(request.AgentTimeoutSeconds) + TimeSpan.FromSeconds(5), async (agent, ct) =>
                {
                    await agent.WaitForAgentAsync(TimeSpan.FromSeconds(request.AgentTimeoutSeconds), ct).ConfigureAwait(false);
                    return true;
                }, cancellationToken).ConfigureAwait(false);
                agentOk = true;

                // The heartbeat first: the clock correction steps CLOCK_REALTIME, which it would record as a gap.
                if (request.Measure)
                {
                    gap = await GuestProbes.ReadHeartbeatAsync(domain, cancellationToken).ConfigureAwait(false);
                }

                clock = await GuestClock.CorrectAsync(domain, cancellationToken).ConfigureAwait(false);
                if (request.Verify)
                {
                    integrity = await GuestProbes.VerifyIntegrityAsync(domain, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (VirtlabException e)
            {
                _context.Log?.Invoke($"incoming '{domain.Name}': guest agent after migration: {e.Message}");
            }
            catch (Virtlab.Qga.GuestAgentException e)
            {
                _context.Log?.Invoke($"incoming '{domain.Name}': guest agent after migration: {e.Message}");
            }
        }

        _context.Log?.Invoke($"incoming '{domain.Name}': running here now (agent {(agentOk ? "answers" : "does not answer")})");
        return new IncomingFinishReply(true, agentOk, clock, gap, null, integrity);
    }

    private void Release(string name)
    {
        if (_incoming.TryRemove(name, out var incoming))
        {
            incoming.Job.Dispose();
        }
    }

    /// <summary>An incoming QEMU that exited on its own (the source went away, the stream was bad): the guest never
    /// ran here, so its definition goes too.</summary>
    private void ForgetIfIncoming(DomainObject domain)
    {
        var name = domain.Name;
        if (_incoming.TryGetValue(name, out var inc) && ReferenceEquals(inc.Domain, domain))
        {
            Release(name);
            _jobs.UnmarkIncoming(name);
            _context.Store.RemoveDomain(name);
            RunDirectory.TryDeleteAll(_context.Paths.VmRunDir(name));
            _context.Log?.Invoke($"incoming '{name}': its QEMU exited before the migration finished; definition removed");
        }
    }
}
