using Virtlab.Api;

namespace Virtlab.Engine.Hotplug;

/// <summary>One VM's automatic-ballooning loop: runs a step every <see cref="AutoBalloonPolicy.Interval"/> until stopped.</summary>
public sealed class AutoBalloonRun
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public AutoBalloonRun(AutoBalloonPolicy policy) => Policy = policy;

    public AutoBalloonPolicy Policy { get; }

    public long? LastTargetKiB { get; set; }

    public long? LastActualKiB { get; set; }

    public long? LastUsableKiB { get; set; }

    public string? LastAction { get; set; }

    public void Start(Func<CancellationToken, Task> step)
    {
        _loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(Policy.Interval);
            try
            {
                do
                {
                    await step(_stop.Token).ConfigureAwait(false);
                }
                while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false));
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null && !_loop.IsCompleted && Task.CurrentId != _loop.Id)
        {
            try
            {
                await _loop.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
        }
    }

    public AutoBalloonInfo Info(bool enabled) => new(
        enabled, Policy.MinKiB, Policy.MaxKiB, Policy.TargetFreePercent, Policy.StepKiB, Policy.Interval.TotalSeconds,
        LastTargetKiB, LastActualKiB, LastUsableKiB, LastAction);
}
