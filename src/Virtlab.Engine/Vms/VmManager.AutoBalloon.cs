using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Virtlab.Api;
using Virtlab.Domain.Sizes;
using Virtlab.Domain.Validation;
using Virtlab.Engine.Hotplug;

namespace Virtlab.Engine.Vms;

/// <summary>autoballoon: a loop in the daemon per VM that moves the balloon within bounds from the guest's statistics.</summary>
public sealed partial class VmManager
{
    private readonly ConcurrentDictionary<string, AutoBalloonRun> _autoBalloons = new(StringComparer.Ordinal);

    /// <summary>autoballoon NAME --min SIZE --max SIZE [--target-free PCT] [--interval S], or --off.</summary>
    public async Task<AutoBalloonInfo> AutoBalloonAsync(string name, AutoBalloonRequest req, CancellationToken cancellationToken)
    {
        var vm = GetRunning(name);
        if (req.Off)
        {
            if (_autoBalloons.TryRemove(name, out var old))
            {
                await old.StopAsync().ConfigureAwait(false);
                return old.Info(false);
            }

            return new AutoBalloonInfo(false, 0, 0, 0, 0, 0, null, null, null, "off");
        }

        if (req.Min is null && req.Max is null)
        {
            return _autoBalloons.TryGetValue(name, out var current) ? current.Info(true) : new AutoBalloonInfo(false, 0, 0, 0, 0, 0, null, null, null, "off");
        }

        var errors = new List<ValidationError>();
        var plugged = await PluggedRamKiBAsync(vm, cancellationToken).ConfigureAwait(false);
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

        if (vm.Definition.Balloon is null)
        {
            throw new VirtlabException(ErrorKind.Unsupported, $"domain '{name}' has no balloon device: autoballoon needs one");
        }

        await EnsureStatsPollingAsync(vm, cancellationToken).ConfigureAwait(false);
        var interval = TimeSpan.FromSeconds(Math.Clamp(req.IntervalSeconds ?? 10, 1, 600));
        var policy = new AutoBalloonPolicy(min, max, pct, 100 * 1024, interval);
        var run = new AutoBalloonRun(policy);
        if (_autoBalloons.TryRemove(name, out var previous))
        {
            await previous.StopAsync().ConfigureAwait(false);
        }

        _autoBalloons[name] = run;
        run.Start(ct => AutoBalloonStepAsync(vm, run, ct));
        return run.Info(true);
    }

    private async Task AutoBalloonStepAsync(VmInstance vm, AutoBalloonRun run, CancellationToken cancellationToken)
    {
        if (vm.Process.HasExited)
        {
            run.LastAction = "stopped: the VM is gone";
            await run.StopAsync().ConfigureAwait(false);
            return;
        }

        if (!await vm.Job.WaitAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false))
        {
            run.LastAction = "skipped: another job holds the VM";
            return;
        }

        try
        {
            var actual = (await vm.Qmp.QueryBalloonAsync(cancellationToken).ConfigureAwait(false)).Actual / 1024;
            var node = await vm.Qmp.QomGetAsync(BalloonPath, "guest-stats", cancellationToken).ConfigureAwait(false);
            var usable = Kib(node?["stats"] as JsonObject, "stat-available-memory");
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

            await vm.Qmp.BalloonAsync(next.Value * 1024, cancellationToken).ConfigureAwait(false);
            run.LastTargetKiB = next;
            run.LastAction = next < actual ? "reclaim" : "give back";
            Log?.Invoke($"autoballoon {vm.Definition.Name}: {run.LastAction} {actual} -> {next} KiB (usable {usable} KiB)");
        }
        catch (Virtlab.Qmp.QmpException e)
        {
            run.LastAction = "QEMU error: " + e.Message;
        }
        finally
        {
            vm.Job.Release();
        }
    }
}
