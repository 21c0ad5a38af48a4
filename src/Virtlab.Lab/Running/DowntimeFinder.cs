using System.Globalization;
using Virtlab.Lab.Console;
using Virtlab.Lab.Results;
using Virtlab.Lab.Scenarios;

namespace Virtlab.Lab.Running;

/// <summary>One run of the search: the stop inflicted (a pause of that length, or a migration under that limit) and how the application took it.</summary>
/// <param name="StoppedMs">How long the application stood still as a client outside saw it (the longest time between two answered tcp_echo requests), else the guest's heartbeat gap of a migration.</param>
internal sealed record DowntimeTrial(string Kind, TimeSpan Stop, WorldRun Run, double? StoppedMs);

/// <summary>What the search found: the largest pause with every check passing and the smallest that failed, with their runs.</summary>
internal sealed record DowntimeAnswer(TimeSpan? LargestPassing, TimeSpan? SmallestFailing, IReadOnlyList<DowntimeTrial> Trials, LabRun Lab);

/// <summary>
/// <c>virtlab lab downtime</c>: "know the max_downtime for your application". Bisects over pause lengths (suspend
/// for D, then resume, <see cref="DowntimeSpec.At"/> into the run) between the scenario's bounds to its resolution,
/// then runs a migration under each listed <c>--max-downtime</c>. Every trial is a fresh world with only that one event.
/// </summary>
internal sealed class DowntimeFinder(Scenario scenario, string reportDirectory, ILabProgress progress)
{
    public async Task<DowntimeAnswer> FindAsync(CancellationToken ct)
    {
        var spec = scenario.Downtime ?? new DowntimeSpec(null, TimeSpan.FromSeconds(3), TimeSpan.Zero, TimeSpan.FromSeconds(8), TimeSpan.FromMilliseconds(250), []);
        var world = spec.World ?? WorldMatrix.Expand(scenario.Worlds).FirstOrDefault(w => w.Kind == WorldKind.Vm)
            ?? throw new ScenarioException([new ScenarioProblem(scenario.SourcePath, 1, 1, "downtime.world", "no VM world to search in: give downtime.world or a worlds.vm matrix")]);
        var started = DateTimeOffset.UtcNow;
        var trials = new List<DowntimeTrial>();
        progress.Start([], new Dictionary<string, WorldRun>());
        var session = new LabSession(scenario, progress);
        MachineInfo machine;
        TimeSpan? pass = null, fail = null;
        try
        {
            await session.StartAsync(vmWorlds: true, ct).ConfigureAwait(false);
            async Task<bool> PauseAsync(TimeSpan d)
            {
                var t = await TrialAsync(session, world, "pause", d, new SuspendAction(d), spec.At, ct).ConfigureAwait(false);
                trials.Add(t);
                return t.Run.Verdict == Verdict.Passed;
            }

            if (!await PauseAsync(spec.MinPause).ConfigureAwait(false))
            {
                fail = spec.MinPause;
            }
            else if (await PauseAsync(spec.MaxPause).ConfigureAwait(false))
            {
                pass = spec.MaxPause;
            }
            else
            {
                (pass, fail) = (spec.MinPause, spec.MaxPause);
                while (fail.Value - pass.Value > spec.Resolution)
                {
                    var mid = Round((pass.Value + fail.Value) / 2, spec.Resolution);
                    if (mid <= pass.Value || mid >= fail.Value)
                    {
                        break;
                    }

                    progress.Note($"between {LabDurations.Format(pass.Value)} (passes) and {LabDurations.Format(fail.Value)} (fails): trying {LabDurations.Format(mid)}");
                    if (await PauseAsync(mid).ConfigureAwait(false))
                    {
                        pass = mid;
                    }
                    else
                    {
                        fail = mid;
                    }
                }
            }

            foreach (var limit in spec.MigrationLimits)
            {
                if (session.Hosts.Count < 2)
                {
                    break;
                }

                trials.Add(await TrialAsync(session, world, "migrate", limit, new MigrateAction(limit, AutoConverge: true, Postcopy: false, BandwidthMiBs: null), spec.At, ct).ConfigureAwait(false));
            }

            machine = await session.MachineAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            await session.DisposeAsync().ConfigureAwait(false);
            progress.Stop();
        }

        var lab = new LabRun(
            scenario.Name + " (downtime)", scenario.Description, scenario.Expect, scenario.SourcePath, started, DateTimeOffset.UtcNow, machine,
            scenario.Checks.Select(c => c.Name).ToList(), trials.Select(t => t.Run).ToList());
        return new DowntimeAnswer(pass, fail, trials, lab);
    }

    private async Task<DowntimeTrial> TrialAsync(LabSession session, WorldSpec world, string kind, TimeSpan stop, LabAction action, TimeSpan at, CancellationToken ct)
    {
        var ms = ((long)stop.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        var trial = world with
        {
            Id = $"{kind}-{ms}ms",
            Label = $"{(kind == "pause" ? "pause" : "migrate, max downtime")} {LabDurations.Format(stop)} · {world.Label}",
        };
        progress.Update(trial.Id, action.Describe());
        var run = await session.RunWorldAsync(trial, [new EventSpec(at, null, TimeSpan.Zero, action, 0)], reportDirectory, ct).ConfigureAwait(false);
        return new DowntimeTrial(kind, stop, run, LongestUnanswered(run.Latency) ?? run.Migrations.FirstOrDefault()?.GuestGapMs);
    }

    /// <summary>The longest time between two answered echo requests (ms): how long the service stood still as a client saw it.</summary>
    private static double? LongestUnanswered(IReadOnlyList<GapSample> latency)
    {
        var answered = latency.Where(g => g.RttMs is not null).ToList();
        return answered.Count < 2 ? null : Math.Round(answered.Zip(answered.Skip(1)).Max(p => (p.Second.AtSeconds - p.First.AtSeconds) * 1000));
    }

    private static TimeSpan Round(TimeSpan t, TimeSpan step) =>
        step <= TimeSpan.Zero ? t : TimeSpan.FromTicks((long)Math.Round((double)t.Ticks / step.Ticks) * step.Ticks);
}
