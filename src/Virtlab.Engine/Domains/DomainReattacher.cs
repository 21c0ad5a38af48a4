using Virtlab.Domain.State;
using Virtlab.Engine.Accel;
using Virtlab.Engine.Process;
using Virtlab.Engine.Qemu;
using Virtlab.Engine.Store;
using Virtlab.Qmp;

namespace Virtlab.Engine.Domains;

/// <summary>
/// Run once when the daemon starts: every VM recorded as running is found again by its PID (or, for a record saved
/// before its QEMU was spawned, by the PID in QEMU's pidfile), checked against the process's start time and its argv
/// so that a reused PID is never adopted, and by its QMP socket. A VM that is still alive is
/// adopted and keeps running; one that is gone is forgotten. Nothing is ever killed here.
/// </summary>
public sealed class DomainReattacher(EngineContext context)
{
    public async Task<IReadOnlyList<DomainObject>> ReattachAsync(CancellationToken cancellationToken)
    {
        var adopted = new List<DomainObject>();
        foreach (var recorded in context.Store.ListRuntime())
        {
            var def = context.Store.FindDomain(recorded.Name);
            var run = new VmRunPaths(recorded.RunDir);
            var rec = recorded.Pid == 0 ? FromPidFile(recorded, run) : recorded;
            var alive = ProcessInfo.IsAlive(rec.Pid, rec.PidStartTicks) &&
                ProcessInfo.CommandLine(rec.Pid).Contains(QemuOpts.Join("socket", ("id", "monitor"), ("path", run.QmpSocket), ("server", "on"), ("wait", "off")));
            if (def is null || !alive)
            {
                context.Log?.Invoke($"'{rec.Name}' (pid {rec.Pid}) is gone: forgetting its runtime record");
                context.Store.RemoveRuntime(rec.Name);
                continue;
            }

            if (!ReferenceEquals(rec, recorded))
            {
                context.Store.SaveRuntime(rec);
            }

            try
            {
                var qmp = await QmpClient.ConnectAsync(run.QmpSocket, null, cancellationToken).ConfigureAwait(false);
                var process = ChildProcess.Attach(rec.Pid, rec.PidStartTicks, context.Options.AttachedPollInterval);
                var running = (await qmp.QueryStatusAsync(cancellationToken).ConfigureAwait(false)).Running;
                var runtime = new DomainRuntime(context.Domains.NextId(), run, new Accelerator(rec.Accel, rec.AccelReason), rec.QemuVersion, rec.StartedAt);
                var domain = new DomainObject(runtime, def, process, qmp, DomainState.Starting, context.Log);
                domain.Transition(running ? DomainState.Running : DomainState.Paused, "re-attached");
                context.Domains.Add(domain);
                adopted.Add(domain);
                context.Log?.Invoke($"re-attached '{rec.Name}' (pid {rec.Pid})");
            }
            catch (QmpException e)
            {
                // Alive but its monitor does not answer: keep the record (never kill, never forget) and say so.
                context.Log?.Invoke($"'{rec.Name}' (pid {rec.Pid}) is alive but its monitor did not answer ({e.Message}); will retry on next daemon start");
            }
        }

        return adopted;
    }

    /// <summary>A record saved before its QEMU was spawned (PID 0; the daemon died before it learnt the PID): the PID
    /// QEMU wrote to its pidfile, with that process's start time; the argv check above then decides.</summary>
    private static RuntimeRecord FromPidFile(RuntimeRecord rec, VmRunPaths run)
    {
        try
        {
            if (int.TryParse(File.ReadAllText(run.PidFile).Trim(), out var pid) && pid > 0 && ProcessInfo.StartTicks(pid) is { } ticks)
            {
                return rec with { Pid = pid, PidStartTicks = ticks };
            }
        }
        catch (IOException)
        {
        }

        return rec;
    }
}
