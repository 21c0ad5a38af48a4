using Virtlab.Qmp;

namespace Virtlab.Engine.Migration;

/// <summary>What the closed loop does next to a running migration.</summary>
public enum SteeringAction
{
    None,

    /// <summary>Raise auto-converge's throttle step (cpu-throttle-increment) to <see cref="SteeringStep.Value"/> %.</summary>
    RaiseThrottleIncrement,

    /// <summary>migrate-start-postcopy.</summary>
    StartPostcopy,

    /// <summary>migrate_cancel: nothing is left that could meet the limit (the guest keeps running here).</summary>
    GiveUp,
}

/// <summary>One decision: the action, its parameter, and why, in words for the report.</summary>
public sealed record SteeringStep(SteeringAction Action, int Value, string Reason);

/// <summary>
/// The in-flight half of the closed loop. It watches each pre-copy pass (QEMU's dirty-sync-count) and the memory
/// still to send; when the last <see cref="Window"/> passes have not shrunk it by a tenth while QEMU's expected
/// downtime still exceeds the limit, the plan was too optimistic: it makes the throttle climb faster, and once the
/// throttle is at its cap (the plan's max-cpu-throttle: the largest whose stalls fit the limit, so the loop never
/// climbs past it) or none is possible, it switches to post-copy if allowed. When post-copy is not allowed and the
/// throttle is at its cap, pre-copy can only go on resending the same pages for ever: with <paramref name="promised"/>
/// (a --max-downtime without --force) it gives up, and the migration is cancelled with the guest running here. One step
/// per <see cref="Window"/> passes, so each step is given time to work.
/// </summary>
public sealed class ConvergenceMonitor(int downtimeLimitMs, bool throttling, bool postcopyAllowed, int maxThrottle = ConvergencePlanner.QemuMaxThrottle, bool promised = false)
{
    /// <summary>Passes without progress before the loop steps in.</summary>
    public const int Window = 3;

    private readonly List<long> _remainingAtPass = [];
    private long _lastPass = -1;
    private int _lastStepPass = -Window;
    private int _increment = 10;

    public bool PostcopyStarted { get; private set; }

    public SteeringStep Observe(MigrationInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (info.Status != "active" || info.Ram is not { } ram || PostcopyStarted)
        {
            return new(SteeringAction.None, 0, string.Empty);
        }

        if (ram.DirtySyncCount == _lastPass)
        {
            return new(SteeringAction.None, 0, string.Empty);
        }

        _lastPass = ram.DirtySyncCount;
        _remainingAtPass.Add(ram.Remaining);
        var pass = _remainingAtPass.Count - 1;
        if (pass < Window || pass - _lastStepPass < Window)
        {
            return new(SteeringAction.None, 0, string.Empty);
        }

        var before = _remainingAtPass[pass - Window];
        var expected = info.ExpectedDowntime ?? long.MaxValue;
        if (ram.Remaining < 0.9 * before || expected <= downtimeLimitMs)
        {
            return new(SteeringAction.None, 0, string.Empty);
        }

        _lastStepPass = pass;
        var why = $"{Window} passes did not shrink the {ram.Remaining / 1048576.0:0.#} MiB left to send (expected downtime {expected} ms > {downtimeLimitMs} ms)";
        var throttle = info.CpuThrottlePercentage ?? 0;
        if (throttling && throttle < maxThrottle && _increment < 40)
        {
            _increment = Math.Min(40, _increment * 2);
            return new(SteeringAction.RaiseThrottleIncrement, _increment, $"{why}: throttle at {throttle} %, now climbing {_increment} % a step (up to {maxThrottle} %)");
        }

        if (postcopyAllowed)
        {
            PostcopyStarted = true;
            return new(SteeringAction.StartPostcopy, 0, $"{why}{(throttling ? $", throttle at {throttle} % (its cap: more would stall the guest beyond the limit)" : string.Empty)}: switching to post-copy");
        }

        if (promised && (!throttling || throttle >= maxThrottle))
        {
            return new(SteeringAction.GiveUp, 0, $"{why}{(throttling ? $" with the throttle at its cap of {maxThrottle} % (more would stall the guest beyond the limit)" : " and no throttle is possible")}, and post-copy is not allowed");
        }

        return new(SteeringAction.None, 0, string.Empty);
    }
}
