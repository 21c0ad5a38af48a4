using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Virtlab.Client;
using Virtlab.Lab.Checks;
using Virtlab.Lab.Results;
using Virtlab.Lab.Scenarios;

namespace Virtlab.Lab.Running;

/// <summary>
/// One world, start to end: prepare it, read its facts, start the sampler and the application, fire the events at
/// their times or on their output patterns while reading the runner's log, stop at the application's end or the
/// timeout, evaluate the checks and write <c>runs/ID/</c> (app.log, samples.jsonl, result.json). t=0 is the runner's
/// S line (or the ready line), on the world's CLOCK_MONOTONIC; event times are this machine's time since then.
/// </summary>
internal sealed class WorldRunner(Scenario scenario, string runDirectory, Action<string> status)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    /// <summary>Runs <paramref name="world"/> with <paramref name="events"/> (null: this world takes none).</summary>
    public async Task<WorldRun> RunAsync(ILabWorld world, IReadOnlyList<EventSpec> events, EventActions? actions, CancellationToken ct)
    {
        Directory.CreateDirectory(runDirectory);
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        WorldFacts? facts = null;
        try
        {
            status(world.Vm is null ? "preparing" : "booting");
            await world.PrepareAsync(scenario.App.Files, ct).ConfigureAwait(false);
            facts = await world.FactsAsync(ct).ConfigureAwait(false);
            status("running");
            var run = await DriveAsync(world, events, actions, ct).ConfigureAwait(false);
            status("checking");
            var samplesText = await world.StopSamplerAsync(ct).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(runDirectory, "app.log"), run.Log, ct).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(runDirectory, "samples.jsonl"), samplesText, ct).ConfigureAwait(false);

            var samples = ProbeLog.ParseSamples(samplesText, run.T0Mono);
            var observation = new WorldObservation(run.Output, run.Exit, samples, run.Events, run.Latency, facts);
            var checks = CheckEvaluator.Evaluate(scenario.Checks, observation);
            return Result(world.Spec, CheckEvaluator.Overall(checks), null, startedAt, clock, run.Exit, facts, checks, run.Events, samples,
                CheckEvaluator.Metrics(scenario.Checks, run.Output), run.Output, run.Latency, actions?.Migrations ?? []);
        }
        catch (Exception e) when (e is LabWorldException or DaemonCallException or HttpRequestException or IOException && !ct.IsCancellationRequested)
        {
            return Result(world.Spec, Verdict.Error, e.Message, startedAt, clock, null, facts, [], [], [], [], [], [], actions?.Migrations ?? []);
        }
    }

    /// <summary>Writes a finished world's result.json (what --resume keeps).</summary>
    public async Task SaveAsync(WorldRun run, CancellationToken ct) =>
        await File.WriteAllTextAsync(Path.Combine(runDirectory, "result.json"), JsonSerializer.Serialize(run, LabJsonContext.Default.WorldRun), ct).ConfigureAwait(false);

    private sealed record Driven(string Log, double T0Mono, IReadOnlyList<OutputLine> Output, AppExit? Exit, IReadOnlyList<EventRecord> Events, IReadOnlyList<GapSample> Latency);

    private async Task<Driven> DriveAsync(ILabWorld world, IReadOnlyList<EventSpec> events, EventActions? actions, CancellationToken ct)
    {
        await world.StartAsync(scenario.App.Run, scenario.App.Env, ct).ConfigureAwait(false);
        var launched = Stopwatch.StartNew();
        double eventBase = 0; // seconds on 'launched' at which t=0 happened
        using var stopEcho = CancellationTokenSource.CreateLinkedTokenSource(ct);
        EchoClient? echo = null;
        Task? echoing = null;
        if (scenario.Checks.OfType<TcpEchoCheck>().FirstOrDefault() is { } tcp && world.Address is { } address)
        {
            echo = new EchoClient(System.Net.IPAddress.Parse(address), tcp.Port, tcp.Interval, () => launched.Elapsed.TotalSeconds - eventBase);
            echoing = Task.Run(() => echo.RunAsync(stopEcho.Token), CancellationToken.None);
        }

        var log = new StringBuilder();
        var lines = new List<ProbeLog.RunLine>();
        var pending = new StringBuilder();
        double? startMono = null, t0Mono = null;
        var due = new List<(double At, EventSpec Event)>();
        var waiting = events.Where(e => e.On is not null).ToList();
        var records = new List<EventRecord>();
        var timedOut = false;
        if (world.Vm is null)
        {
            records.AddRange(events.Select(e => new EventRecord(e.Action.Describe(), 0, null, "skipped", "events do not apply on the host")));
            waiting.Clear();
        }

        while (true)
        {
            var ended = await world.HasEndedAsync(ct).ConfigureAwait(false);
            foreach (var line in Read(await world.ReadRunLogAsync(ct).ConfigureAwait(false), log, pending, lines))
            {
                if (line.Kind == 'S' && startMono is null)
                {
                    startMono = line.Mono;
                    if (scenario.App.Ready is null)
                    {
                        t0Mono = line.Mono;
                        if (world.Vm is not null)
                        {
                            due.AddRange(events.Where(e => e.At is not null).Select(e => (e.At!.Value.TotalSeconds, e)));
                        }
                    }
                }
                else if (line.Kind is 'O' or 'E' && startMono is { } s)
                {
                    if (t0Mono is null && scenario.App.Ready!.IsMatch(line.Text))
                    {
                        t0Mono = line.Mono;
                        eventBase = (line.Mono - s) / 1000;
                        if (world.Vm is not null)
                        {
                            due.AddRange(events.Where(e => e.At is not null).Select(e => (e.At!.Value.TotalSeconds, e)));
                        }
                    }

                    foreach (var w in waiting.Where(w => w.On!.IsMatch(line.Text)).ToList())
                    {
                        waiting.Remove(w);
                        due.Add((((line.Mono - s) / 1000) - eventBase + w.Delay.TotalSeconds, w));
                    }
                }
            }

            if (ended)
            {
                break;
            }

            var now = launched.Elapsed.TotalSeconds - eventBase;
            foreach (var (at, e) in due.Where(d => d.At <= now).OrderBy(d => d.At).ToList())
            {
                due.RemoveAll(d => d.Event == e);
                status(e.Action.Describe());
                var start = launched.Elapsed.TotalSeconds - eventBase;
                var (outcome, detail) = await actions!.RunAsync(world.Vm!, e.Action, start, ct).ConfigureAwait(false);
                records.Add(new EventRecord(e.Action.Describe(), Math.Round(start, 3), Math.Round(launched.Elapsed.TotalSeconds - eventBase, 3), outcome, detail));
                status("running");
            }

            if (launched.Elapsed > scenario.App.Timeout)
            {
                timedOut = true;
                await world.KillAppAsync(ct).ConfigureAwait(false);
            }
            else
            {
                await Task.Delay(Poll, ct).ConfigureAwait(false);
            }
        }

        await stopEcho.CancelAsync().ConfigureAwait(false);
        if (echoing is not null)
        {
            await echoing.ConfigureAwait(false);
        }

        foreach (var (_, e) in due.Concat(waiting.Select(w => (0.0, w))))
        {
            records.Add(new EventRecord(e.Action.Describe(), e.At?.TotalSeconds ?? 0, null, "skipped", "the application had ended"));
        }

        var zero = t0Mono ?? startMono ?? 0;
        var output = lines.Where(l => l.Kind is 'O' or 'E')
            .Select(l => new OutputLine(Math.Round((l.Mono - zero) / 1000, 3), l.Mono, l.Real, l.Kind == 'O' ? "out" : "err", l.Text))
            .ToList();
        var exit = ProbeLog.Exit(lines.LastOrDefault(l => l.Kind == 'X'), zero, timedOut);
        return new Driven(log.ToString(), zero, output, exit, records.OrderBy(r => r.StartSeconds).ToList(), echo?.Samples ?? []);
    }

    private static List<ProbeLog.RunLine> Read(string text, StringBuilder log, StringBuilder pending, List<ProbeLog.RunLine> all)
    {
        log.Append(text);
        pending.Append(text);
        var parsed = ProbeLog.ParseRun(pending.ToString(), out var consumed);
        pending.Remove(0, consumed);
        all.AddRange(parsed);
        return parsed.ToList();
    }

    private static WorldRun Result(
        WorldSpec w, Verdict verdict, string? error, DateTimeOffset startedAt, Stopwatch clock, AppExit? exit, WorldFacts? facts,
        IReadOnlyList<CheckResult> checks, IReadOnlyList<EventRecord> events, IReadOnlyList<ProbeSample> samples,
        IReadOnlyList<MetricSeries> metrics, IReadOnlyList<OutputLine> output, IReadOnlyList<GapSample> latency, IReadOnlyList<MigrationTrace> migrations) =>
        new(w.Id, w.Label, w.Kind == WorldKind.Host ? "host" : "vm", w.Cpu, w.Vcpus, w.Memory, w.Accel, verdict, error, startedAt,
            Math.Round(clock.Elapsed.TotalSeconds, 1), exit, facts, checks, events, samples, metrics, output, latency, migrations);
}
