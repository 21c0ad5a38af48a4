using Virtlab.Engine.Accel;
using Virtlab.Engine.Process;
using Virtlab.Engine.Qemu;
using Virtlab.Qmp;

namespace Virtlab.Engine.Vms;

public sealed partial class VmManager
{
    /// <summary>
    /// Called once when the daemon starts: every VM recorded as running is found again by its PID
    /// (checked against the recorded start time and its argv, so a reused PID is never adopted)
    /// and its QMP socket. A VM that is still alive is adopted and keeps running; one that is gone
    /// is forgotten. Nothing is ever killed here.
    /// </summary>
    public async Task<IReadOnlyList<string>> ReattachAsync(CancellationToken cancellationToken)
    {
        var adopted = new List<string>();
        foreach (var rec in Store.ListRuntime())
        {
            var def = Store.FindDomain(rec.Name);
            var run = new VmRunPaths(rec.RunDir);
            var alive = ProcessInfo.IsAlive(rec.Pid, rec.PidStartTicks) &&
                ProcessInfo.CommandLine(rec.Pid).Contains(QemuOpts.Join("socket", ("id", "monitor"), ("path", run.QmpSocket), ("server", "on"), ("wait", "off")));
            if (def is null || !alive)
            {
                Log?.Invoke($"'{rec.Name}' (pid {rec.Pid}) is gone: forgetting its runtime record");
                Store.RemoveRuntime(rec.Name);
                continue;
            }

            try
            {
                var qmp = await QmpClient.ConnectAsync(run.QmpSocket, null, cancellationToken).ConfigureAwait(false);
                var process = ChildProcess.Attach(rec.Pid, rec.PidStartTicks, Options.AttachedPollInterval);
                var vm = new VmInstance(NextId(), def, run, process, qmp, new Accelerator(rec.Accel, rec.AccelReason), rec.QemuVersion, rec.StartedAt);
                vm.Paused = !(await qmp.QueryStatusAsync(cancellationToken).ConfigureAwait(false)).Running;
                Track(vm);
                adopted.Add(rec.Name);
                if (Jobs.IsIncoming(rec.Name))
                {
                    // Prepared for an incoming migration that has not finished: its source settles it (finish or abort).
                    _incoming[rec.Name] = vm;
                }
                else if (Jobs.Outgoing(rec.Name) is { } outgoing)
                {
                    _ = Task.Run(() => SettleInterruptedMigrationAsync(vm, outgoing), CancellationToken.None);
                }

                Log?.Invoke($"re-attached '{rec.Name}' (pid {rec.Pid})");
            }
            catch (QmpException e)
            {
                // Alive but its monitor does not answer: keep the record (never kill, never forget) and say so.
                Log?.Invoke($"'{rec.Name}' (pid {rec.Pid}) is alive but its monitor did not answer ({e.Message}); will retry on next daemon start");
            }
        }

        return adopted;
    }
}
