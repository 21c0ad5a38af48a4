using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Virtlab.Api;
using Virtlab.Domain.Sizes;
using Virtlab.Domain.Validation;
using Virtlab.Engine.Domains;
using Virtlab.Engine.Guest;

namespace Virtlab.Engine.Hotplug;

/// <summary>
/// autoballoon: a loop in the daemon per VM that moves the balloon within bounds from the guest's statistics. Each
/// step takes the domain's job if it is free and skips otherwise (a setmem or a migration has precedence).
/// </summary>
public sealed class AutoBalloonService(EngineContext context) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, (DomainObject Domain, AutoBalloonRun Run)> _runs = new(StringComparer.Ordinal);

    /// <summary>autoballoon NAME --min SIZE --max SIZE [--target-free PCT] [--interval S], or --off.</summary>
    public async Task<AutoBalloonInfo> AutoBalloonAsync(string name, AutoBalloonRequest req, CancellationToken cancellationToken)
    {
        var domain = context.GetRunning(name);
        if (req.Off)
        {
            if (_runs.TryRemove(name, out var old))
            {
                await old.Run.StopAsync().ConfigureAwait(false);
                return old.Run.Info(false);
            }

            return new AutoBalloonInfo(false, 0, 0, 0, 0, 0, null, null, null, "off");
        }

        if (req.Min is null && req.Max is null)
        {
            return _runs.TryGetValue(name, out var current) && ReferenceEquals(current.Domain, domain)
                ? current.Run.Info(true)
                : new AutoBalloonInfo(false, 0, 0, 0, 0, 0, null, null, null, "off");
        }

        var errors = new List<ValidationError>();
        var plugged = await Balloon.PluggedRamKiBAsync(domain, cancellationToken).ConfigureAwait(false);
        long min = 0, max = 0;
        if (!ByteSize.TryParseKiB(req.Min, SizeUnit.MiB, out min, out var minError))
        {
            errors.Add(new("--min", minError));
        }

        if (!ByteSize.TryParseKiB(req.Max, SizeUnit.MiB, out max, out var maxError))
        {
            errors.Add(new("--max", maxError));
        }

        var pct = req.TargetFreePercent ?? 20;
        if (pct is < 5 or > 80)
        {
            errors.Add(new("--target-free", $"{pct} % is not a sensible free share: give 5 to 80"));
        }

        if (errors.Count == 0 && min > max)
        {
            errors.Add(new("--min", $"--min {ByteSize.Format(min)} is above --max {ByteSize.Format(max)}"));
        }

        if (errors.Count == 0 && max > plugged)
        {
            errors.Add(new("--max", $"--max {ByteSize.Format(max)} is above the {ByteSize.Format(plugged)} plugged now: the balloon cannot give more (grow first with setmem)"));
        }

        if (errors.Count > 0)
        {
            throw new VirtlabException(errors);
        }

        if (domain.Definition.Balloon is null)
        {
            throw new VirtlabException(ErrorKind.Unsupported, $"domain '{name}' has no balloon device: autoballoon needs one");
        }

        await Balloon.EnsureStatsPollingAsync(domain, cancellationToken).ConfigureAwait(false);
        var interval = TimeSpan.FromSeconds(Math.Clamp(req.IntervalSeconds ?? 10, 1, 600));
        var policy = new AutoBalloonPolicy(min, max, pct, 100 * 1024, interval);
        var run = new AutoBalloonRun(policy);
        if (_runs.TryRemove(name, out var previous))
        {
            await previous.Run.StopAsync().ConfigureAwait(false);
        }

        _runs[name] = (domain, run);
        run.Start(ct => AutoBalloonStepAsync(domain, run, ct));
        return run.Info(true);
    }

    private async Task AutoBalloonStepAsync(DomainObject domain, AutoBalloonRun run, CancellationToken cancellationToken)
    {
        if (domain.Process.HasExited)
        {
            run.LastAction = "stopped: the VM is gone";
            await run.StopAsync().ConfigureAwait(false);
            return;
        }

        if (!domain.Job.TryBegin(DomainJobKind.AutoBalloon, out var job))
        {
            run.LastAction = $"skipped: the domain is busy with job '{domain.Job.Current?.ToJobName()}'";
            return;
        }

        try
        {
            var actual = (await domain.Qmp.QueryBalloonAsync(cancellationToken).ConfigureAwait(false)).Actual / 1024;
            var node = await domain.Qmp.QomGetAsync(Balloon.Path, "guest-stats", cancellationToken).ConfigureAwait(false);
            var usable = Balloon.Kib(node?["stats"] as JsonObject, "stat-available-memory");
            run.LastActualKiB = actual;
            run.LastUsableKiB = usable;
            if (usable is null)
            {
                run.LastAction = "waiting for the guest's balloon statistics";
                return;
            }

            var floor = BalloonFloor.FloorKiB(actual, new GuestMemInfo(0, usable.Value, usable.Value));
            var next = run.Policy.Next(actual, usable.Value, floor);
            if (next is null)
            {
                run.LastAction = "hold";
                return;
            }

            await domain.Qmp.BalloonAsync(next.Value * 1024, cancellationToken).ConfigureAwait(false);
            run.LastTargetKiB = next;
            run.LastAction = next < actual ? "reclaim" : "give back";
            context.Log?.Invoke($"autoballoon {domain.Name}: {run.LastAction} {actual} -> {next} KiB (usable {usable} KiB)");
        }
        catch (Virtlab.Qmp.QmpException e)
        {
            run.LastAction = "QEMU error: " + e.Message;
        }
        finally
        {
            job!.Dispose();
        }
    }

    /// <summary>The daemon is going away: stop every loop (the balloons stay where they are).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var (_, run) in _runs.Values)
        {
            await run.StopAsync().ConfigureAwait(false);
        }

        _runs.Clear();
    }
}
