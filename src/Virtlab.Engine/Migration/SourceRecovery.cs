using Virtlab.Api;
using Virtlab.Domain.State;
using Virtlab.Engine.Domains;
using Virtlab.Engine.Peers;
using Virtlab.Qmp;

namespace Virtlab.Engine.Migration;

/// <summary>
/// The two ways an outgoing migration ends on the source: taken back (the destination's copy removed first, then the
/// guest resumed here, so there are never two running copies) or handed over (the guest runs on the destination: the
/// source QEMU quits and the domain is forgotten here).
/// </summary>
internal sealed class SourceRecovery(EngineContext context, JobRecords jobs)
{
    private readonly DomainStopper _stopper = new(context);

    /// <summary>
    /// After a failed or cancelled migration: kill the destination's QEMU first, then resume the guest here. When QEMU
    /// had already completed the transfer and the destination cannot be reached to kill its copy, that copy may be
    /// running: the source then stays paused and the outgoing record stays, to be settled later (false).
    /// </summary>
    public async Task<bool> RecoverAsync(OutgoingMigration m, PeerClient peer, bool wasPaused)
    {
        var name = m.Name;
        if (m.PostcopyStarted || jobs.Outgoing(name) is { PostcopyStarted: true })
        {
            context.Log?.Invoke($"migrate '{name}': post-copy had begun; the source is not resumed (its memory is stale) and {m.Peer} keeps its copy");
            jobs.DeleteOutgoing(name);
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
            context.Log?.Invoke($"migrate '{name}': could not remove the incoming VM on {m.Peer}: {e.Message}");
        }

        MigrationInfo? last = null;
        try
        {
            last = await m.Domain.Qmp.QueryMigrateAsync(CancellationToken.None).ConfigureAwait(false);
            if (last.Status == "completed" && !destinationCleared)
            {
                context.Log?.Invoke($"migrate '{name}': QEMU completed the transfer and {m.Peer} cannot be reached: the guest may run there, so it stays paused here until the destination answers");
                return false;
            }

            if (last.Status is "active" or "setup" or "device" or "pre-switchover")
            {
                await m.Domain.Qmp.MigrateCancelAsync(CancellationToken.None).ConfigureAwait(false);
            }

            for (var i = 0; i < 50; i++)
            {
                last = await m.Domain.Qmp.QueryMigrateAsync(CancellationToken.None).ConfigureAwait(false);
                if (last.Status is not ("active" or "setup" or "device" or "cancelling" or "pre-switchover"))
                {
                    break;
                }

                await Task.Delay(100).ConfigureAwait(false);
            }

            var status = await m.Domain.Qmp.QueryStatusAsync(CancellationToken.None).ConfigureAwait(false);
            if (!wasPaused && !status.Running)
            {
                await m.Domain.Qmp.ContAsync(CancellationToken.None).ConfigureAwait(false);
                context.Log?.Invoke($"migrate '{name}': source was '{status.Status}', resumed it");
            }
        }
        catch (QmpException e)
        {
            // QEMU died (its QMP connection closed, or the domain's exit handler already closed the client): wait for its exit
            // to be seen, so that a dead QEMU is never marked running below.
            context.Log?.Invoke($"migrate '{name}': could not query/resume the source: {e.Message}");
            await Task.WhenAny(m.Domain.Process.Exited, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        }

        var job = last is null
            ? new JobInfo("Failed", "Outgoing migration", "failed", Peer: m.Peer)
            : JobInfoMapper.FromQmp(last, m.Peer);
        if (job.JobType is "Completed" or "Unbounded" or "None")
        {
            job = job with { JobType = "Failed", Status = "failed" };
        }

        jobs.Save(name, job with { FinishedAt = DateTimeOffset.UtcNow });
        jobs.DeleteOutgoing(name);
        if (m.Domain.Process.HasExited)
        {
            context.Log?.Invoke($"migrate '{name}': the source QEMU is gone; the domain is shut off here with its definition kept");
            return true;
        }

        m.Domain.Transition(wasPaused ? DomainState.Paused : DomainState.Running, "the migration did not complete");
        return true;
    }

    /// <summary>The guest runs on the destination now: quit the source QEMU (paused in postmigrate) and forget the domain here.</summary>
    public async Task HandOverAsync(DomainObject domain, JobInfo job)
    {
        var name = domain.Name;
        jobs.Save(name, job);
        if (context.Domains.TryGet(name, out var running) && ReferenceEquals(running, domain))
        {
            await _stopper.StopAsync(domain, CancellationToken.None).ConfigureAwait(false);
        }

        context.Store.RemoveDomain(name);
        jobs.DeleteOutgoing(name);
        RunDirectory.TryDeleteAll(context.Paths.VmRunDir(name));
    }
}
