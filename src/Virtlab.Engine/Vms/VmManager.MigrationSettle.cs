using Virtlab.Api;
using Virtlab.Engine.Migration;
using Virtlab.Qmp;

namespace Virtlab.Engine.Vms;

/// <summary>
/// A migration its source daemon did not see to the end (the daemon was stopped, killed or restarted meanwhile; QEMU
/// went on without it). The outgoing record says where the guest was going; QEMU and the destination say how far it
/// got. Still running: cancel it. Completed: the destination's copy runs (QEMU starts it by itself), so finish the
/// hand-over there and quit the source. Anything else: remove the destination's copy and resume the source. There is
/// never a moment with two running copies, and the guest is never lost: while the destination cannot be reached after
/// a completed transfer, the source stays paused and this retries.
/// </summary>
public sealed partial class VmManager
{
    /// <summary>How often an interrupted migration is looked at again while it cannot be settled yet.</summary>
    public TimeSpan SettleRetryInterval { get; init; } = TimeSpan.FromSeconds(2);

    private async Task SettleInterruptedMigrationAsync(VmInstance vm, OutgoingMigrationRecord record)
    {
        var name = vm.Definition.Name;
        await vm.Job.WaitAsync().ConfigureAwait(false);
        try
        {
            Log?.Invoke($"migrate '{name}': settling the migration to {record.Destination} started {record.StartedAt:u}, which its daemon did not see to the end");
            for (var attempt = 1; !vm.Process.HasExited; attempt++)
            {
                try
                {
                    if (await TrySettleAsync(vm, record, attempt).ConfigureAwait(false))
                    {
                        return;
                    }
                }
                catch (Exception e) when (e is VirtlabException or QmpException)
                {
                    Log?.Invoke($"migrate '{name}': cannot settle yet ({e.Message}); retrying in {SettleRetryInterval.TotalSeconds:0} s");
                }

                await Task.Delay(SettleRetryInterval).ConfigureAwait(false);
            }
        }
        finally
        {
            vm.Job.Release();
        }
    }

    /// <returns>True once the guest runs in exactly one place and the record is gone.</returns>
    private async Task<bool> TrySettleAsync(VmInstance vm, OutgoingMigrationRecord record, int attempt)
    {
        var name = vm.Definition.Name;
        var info = await vm.Qmp.QueryMigrateAsync(CancellationToken.None).ConfigureAwait(false);
        var stuck = attempt * SettleRetryInterval > MigrationStuckTimeout;
        if (info.Status is "postcopy-active" or "postcopy-paused" or "postcopy-recover")
        {
            // Post-copy cannot be cancelled: the guest runs on the destination and needs this QEMU's pages until done.
            Log?.Invoke($"migrate '{name}': QEMU is in post-copy ({info.Status}); waiting for it to complete");
            return false;
        }

        if (info.Status is "setup" or "active" or "device" or "pre-switchover" or "wait-unplug" or "cancelling" && !stuck)
        {
            if (info.Status != "cancelling")
            {
                await vm.Qmp.MigrateCancelAsync(CancellationToken.None).ConfigureAwait(false);
                Log?.Invoke($"migrate '{name}': QEMU was still migrating ({info.Status}); sent migrate_cancel");
            }

            return false;
        }

        using var peer = new PeerClient(VirtlabUri.Parse(record.Destination), record.Token);
        if (info.Status == "completed")
        {
            var job = JobInfoMapper.FromQmp(info, record.Destination) with { FinishedAt = DateTimeOffset.UtcNow };
            var there = await peer.IncomingStatusAsync(name, CancellationToken.None).ConfigureAwait(false);
            if (there.State == "incoming")
            {
                var finish = await peer.FinishIncomingAsync(name, new IncomingFinishRequest(job, (int)Options.AgentReadyTimeout.TotalSeconds), CancellationToken.None).ConfigureAwait(false);
                if (finish.Running)
                {
                    await HandOverAsync(name, job).ConfigureAwait(false);
                    Log?.Invoke($"migrate '{name}': the transfer had completed; the guest runs on {record.Destination} now, the source is gone");
                    return true;
                }
            }
            else if (there.State == "running")
            {
                await HandOverAsync(name, job).ConfigureAwait(false);
                Log?.Invoke($"migrate '{name}': the guest already runs on {record.Destination}; the source is gone");
                return true;
            }
        }

        if (info.Status == "cancelling")
        {
            BlockMigration(vm, StuckCancelling);
        }

        var settled = await RecoverSourceAsync(new OutgoingMigration(vm, record.Destination), peer, record.WasPaused).ConfigureAwait(false);
        if (settled)
        {
            Log?.Invoke($"migrate '{name}': the migration did not complete (QEMU: {info.Status}); the guest keeps running here, nothing is left on {record.Destination}");
        }

        return settled;
    }
}
