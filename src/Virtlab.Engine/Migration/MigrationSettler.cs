using Virtlab.Api;
using Virtlab.Engine.Domains;
using Virtlab.Engine.Peers;
using Virtlab.Qmp;

namespace Virtlab.Engine.Migration;

/// <summary>
/// A migration its source daemon did not see to the end (the daemon was stopped, killed or restarted meanwhile; QEMU
/// went on without it, or the destination could not be reached after the transfer). The outgoing record says where the
/// guest was going; QEMU and the destination say how far it got. Still running: cancel it. Completed: the destination's
/// copy runs (QEMU starts it by itself), so finish the hand-over there and quit the source. Anything else: remove the
/// destination's copy and resume the source. There is never a moment with two running copies, and the guest is never
/// lost: while the destination cannot be reached after a completed transfer, the source stays paused and this retries.
/// Settling waits for the domain's job (job 'migration-settle').
/// </summary>
internal sealed class MigrationSettler(EngineContext context, MigrationOptions options, JobRecords jobs, SourceRecovery recovery)
{
    /// <summary>Settles <paramref name="domain"/>'s interrupted migration in the background, if it has one on record.</summary>
    public bool SettleIfInterrupted(DomainObject domain)
    {
        if (jobs.Outgoing(domain.Name) is not { } record)
        {
            return false;
        }

        _ = Task.Run(() => SettleAsync(domain, record), CancellationToken.None);
        return true;
    }

    private async Task SettleAsync(DomainObject domain, OutgoingMigrationRecord record)
    {
        var name = domain.Name;
        using var job = await domain.Job.BeginWhenFreeAsync(DomainJobKind.MigrationSettle, CancellationToken.None).ConfigureAwait(false);
        context.Log?.Invoke($"migrate '{name}': settling the migration to {record.Destination} started {record.StartedAt:u}, which its daemon did not see to the end");
        for (var attempt = 1; !domain.Process.HasExited; attempt++)
        {
            try
            {
                if (await TrySettleAsync(domain, record, attempt).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (Exception e) when (e is VirtlabException or QmpException)
            {
                context.Log?.Invoke($"migrate '{name}': cannot settle yet ({e.Message}); retrying in {options.SettleRetryInterval.TotalSeconds:0} s");
            }

            await Task.Delay(options.SettleRetryInterval).ConfigureAwait(false);
        }
    }

    /// <returns>True once the guest runs in exactly one place and the record is gone.</returns>
    private async Task<bool> TrySettleAsync(DomainObject domain, OutgoingMigrationRecord record, int attempt)
    {
        var name = domain.Name;
        var info = await domain.Qmp.QueryMigrateAsync(CancellationToken.None).ConfigureAwait(false);
        var stuck = attempt * options.SettleRetryInterval > options.StuckTimeout;
        if (info.Status is "postcopy-active" or "postcopy-paused" or "postcopy-recover")
        {
            // Post-copy cannot be cancelled: the guest runs on the destination and needs this QEMU's pages until done.
            context.Log?.Invoke($"migrate '{name}': QEMU is in post-copy ({info.Status}); waiting for it to complete");
            return false;
        }

        if (info.Status is "setup" or "active" or "device" or "pre-switchover" or "wait-unplug" or "cancelling" && !stuck)
        {
            if (info.Status != "cancelling")
            {
                await domain.Qmp.MigrateCancelAsync(CancellationToken.None).ConfigureAwait(false);
                context.Log?.Invoke($"migrate '{name}': QEMU was still migrating ({info.Status}); sent migrate_cancel");
            }

            return false;
        }

        using var peer = new PeerClient(VirtlabUri.Parse(record.Destination), record.Token, context.PeerTls.Value);
        if (info.Status == "completed")
        {
            var job = JobInfoMapper.FromQmp(info, record.Destination) with { FinishedAt = DateTimeOffset.UtcNow };
            var there = await peer.IncomingStatusAsync(name, CancellationToken.None).ConfigureAwait(false);
            if (there.State == "incoming")
            {
                var finish = await peer.FinishIncomingAsync(name, new IncomingFinishRequest(job, (int)context.Options.AgentReadyTimeout.TotalSeconds), CancellationToken.None).ConfigureAwait(false);
                if (finish.Running)
                {
                    await recovery.HandOverAsync(domain, job).ConfigureAwait(false);
                    context.Log?.Invoke($"migrate '{name}': the transfer had completed; the guest runs on {record.Destination} now, the source is gone");
                    return true;
                }
            }
            else if (there.State == "running")
            {
                await recovery.HandOverAsync(domain, job).ConfigureAwait(false);
                context.Log?.Invoke($"migrate '{name}': the guest already runs on {record.Destination}; the source is gone");
                return true;
            }
        }

        if (info.Status == "cancelling")
        {
            domain.BlockMigration(MigrationBlockers.StuckCancelling);
        }

        var settled = await recovery.RecoverAsync(new OutgoingMigration(domain, record.Destination), peer, record.WasPaused).ConfigureAwait(false);
        if (settled)
        {
            context.Log?.Invoke($"migrate '{name}': the migration did not complete (QEMU: {info.Status}); the guest keeps running here, nothing is left on {record.Destination}");
        }

        return settled;
    }
}
