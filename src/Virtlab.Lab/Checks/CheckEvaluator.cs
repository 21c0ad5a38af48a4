using System.Globalization;
using System.Text.RegularExpressions;
using Virtlab.Lab.Results;
using Virtlab.Lab.Scenarios;

namespace Virtlab.Lab.Checks;

/// <summary>What one world's run left to judge: the application's stamped output, how it ended, the probe's samples,
/// the events and the lab's own view from outside (tcp_echo).</summary>
internal sealed record WorldObservation(
    IReadOnlyList<OutputLine> Output,
    AppExit? Exit,
    IReadOnlyList<ProbeSample> Samples,
    IReadOnlyList<EventRecord> Events,
    IReadOnlyList<GapSample> Latency,
    WorldFacts? Facts = null);

/// <summary>
/// Decides every check of a scenario for one world and explains each failure with the probe reading or the event
/// behind it ("the guest went from 2 to 3 online CPUs at t=4.4 s, after setvcpus 3 --live at t=4.0 s; workers stayed 2").
/// Pure: no I/O, so every rule is unit-tested.
/// </summary>
internal static class CheckEvaluator
{
    public static IReadOnlyList<CheckResult> Evaluate(IReadOnlyList<CheckSpec> checks, WorldObservation o) =>
        checks.Select(c => c switch
        {
            ExitCheck e => Exit(e, o),
            OutputCheck p => Output(p, o),
            MetricCheck m => Metric(m, o),
            HeartbeatCheck h => Heartbeat(h, o),
            TcpEchoCheck t => TcpEcho(t, o),
            _ => new CheckResult(c.Name, Verdict.Error, "this kind of check is not known to the evaluator", null, null),
        }).ToList();

    /// <summary>The series of every metric the checks name, for the report's plots.</summary>
    public static IReadOnlyList<MetricSeries> Metrics(IReadOnlyList<CheckSpec> checks, IReadOnlyList<OutputLine> output) =>
        checks.OfType<MetricCheck>()
            .DistinctBy(m => m.Metric)
            .Select(m => new MetricSeries(m.Metric, Points(m, output)))
            .ToList();

    /// <summary>The world's verdict from its checks: failed if one failed, error if one could not be decided, else passed.</summary>
    public static Verdict Overall(IReadOnlyList<CheckResult> results) =>
        results.Any(r => r.Verdict == Verdict.Failed) ? Verdict.Failed
        : results.Any(r => r.Verdict == Verdict.Error) ? Verdict.Error
        : Verdict.Passed;

    private static CheckResult Exit(ExitCheck c, WorldObservation o)
    {
        var want = string.Join(" or ", c.Codes);
        if (o.Exit is not { } x)
        {
            return new CheckResult(c.Name, Verdict.Error, "the application's end was not seen (the run log has no exit line)", null, null);
        }

        if (x.TimedOut)
        {
            return new CheckResult(c.Name, Verdict.Failed, $"still running at the timeout: killed at t={S(x.AtSeconds)}", LastEventBefore(o, x.AtSeconds), x.AtSeconds);
        }

        if (x.Signal is { } sig)
        {
            return new CheckResult(c.Name, Verdict.Failed, $"ended by signal {sig} ({SignalName(sig)}), expected exit status {want}", SignalWhy(sig, o), x.AtSeconds);
        }

        return x.Code is { } code && c.Codes.Contains(code)
            ? new CheckResult(c.Name, Verdict.Passed, $"exit status {code}", null, null)
            : new CheckResult(c.Name, Verdict.Failed, $"exit status {x.Code}, expected {want}", LastLineOrEvent(o, x.AtSeconds), x.AtSeconds);
    }

    private static CheckResult Output(OutputCheck c, WorldObservation o)
    {
        var hit = o.Output.FirstOrDefault(l => c.Pattern.IsMatch(l.Text));
        if (c.MustBePresent)
        {
            return hit is null
                ? new CheckResult(c.Name, Verdict.Failed, $"no output line matches /{c.Pattern}/", null, null)
                : new CheckResult(c.Name, Verdict.Passed, $"'{Cut(hit.Text)}' at t={S(hit.AtSeconds)}", null, null);
        }

        return hit is null
            ? new CheckResult(c.Name, Verdict.Passed, $"no output line matches /{c.Pattern}/", null, null)
            : new CheckResult(c.Name, Verdict.Failed, $"'{Cut(hit.Text)}' at t={S(hit.AtSeconds)}", Join(FactsWhy(o, hit.Text), LastEventBefore(o, hit.AtSeconds)), hit.AtSeconds);
    }

    private static CheckResult Metric(MetricCheck c, WorldObservation o)
    {
        var points = Points(c, o.Output);
        if (points.Count == 0)
        {
            return new CheckResult(c.Name, Verdict.Error, $"the application printed no value of {c.Metric} (pattern /{c.Pattern}/)", null, null);
        }

        foreach (var p in points)
        {
            if (c.Min is { } min && p.Value < min)
            {
                return new CheckResult(c.Name, Verdict.Failed, $"{c.Metric}={V(p.Value)} at t={S(p.AtSeconds)}, below the minimum {V(min)}", LastEventBefore(o, p.AtSeconds), p.AtSeconds);
            }

            if (c.Max is { } max && p.Value > max)
            {
                return new CheckResult(c.Name, Verdict.Failed, $"{c.Metric}={V(p.Value)} at t={S(p.AtSeconds)}, above the maximum {V(max)}", LastEventBefore(o, p.AtSeconds), p.AtSeconds);
            }
        }

        if (c.EqualsProbe is { } field)
        {
            return FollowsProbe(c, field, points, o);
        }

        var range = $"{V(points.Min(p => p.Value))}..{V(points.Max(p => p.Value))}";
        return new CheckResult(c.Name, Verdict.Passed, $"{points.Count} values of {c.Metric}, {range}", null, null);
    }

    private static CheckResult FollowsProbe(MetricCheck c, ProbeField field, IReadOnlyList<MetricPoint> points, WorldObservation o)
    {
        if (o.Samples.Count == 0)
        {
            return new CheckResult(c.Name, Verdict.Error, "the probe left no samples to compare with", null, null);
        }

        var name = FieldName(field);
        foreach (var p in points)
        {
            var at = o.Samples.LastOrDefault(s => s.AtSeconds <= p.AtSeconds) ?? o.Samples[0];
            var seen = Read(at, field);
            if (Math.Abs(seen - p.Value) < 0.5)
            {
                continue;
            }

            var change = ChangeBefore(o.Samples, field, at);
            var since = change is null ? double.PositiveInfinity : p.AtSeconds - change.Value.At;
            if (since <= c.Grace.TotalSeconds)
            {
                continue;
            }

            var why = change is { } ch
                ? $"the world went from {V(ch.From)} to {V(seen)} {name} at t={S(ch.At)}{EventNear(o, ch.At)}; the application's {c.Metric} stayed at {V(p.Value)}"
                : $"the world had {V(seen)} {name} from the start; the application's {c.Metric} was {V(p.Value)}";
            return new CheckResult(c.Name, Verdict.Failed, $"{c.Metric}={V(p.Value)} at t={S(p.AtSeconds)} while {name}={V(seen)}", why, p.AtSeconds);
        }

        var changes = o.Samples.Zip(o.Samples.Skip(1)).Count(pair => Read(pair.First, field) != Read(pair.Second, field));
        return new CheckResult(c.Name, Verdict.Passed, $"{c.Metric} followed {name} at all {points.Count} readings ({changes} changes of {name})", null, null);
    }

    private static CheckResult Heartbeat(HeartbeatCheck c, WorldObservation o)
    {
        var beats = o.Output.Where(l => c.Pattern.IsMatch(l.Text)).ToList();
        if (beats.Count < 2)
        {
            return new CheckResult(c.Name, Verdict.Error, $"fewer than two heartbeats matched /{c.Pattern}/ ({beats.Count})", null, null);
        }

        var (gap, after) = beats.Zip(beats.Skip(1))
            .Select(pair => (Gap: Stamp(pair.Second, c.Clock) - Stamp(pair.First, c.Clock), After: pair.First))
            .MaxBy(g => g.Gap);
        var clock = c.Clock == StampClock.Monotonic ? "CLOCK_MONOTONIC" : "CLOCK_REALTIME";
        var text = $"longest gap {V(gap)} ms by the world's {clock}, after the beat at t={S(after.AtSeconds)} (limit {V(c.MaxGap.TotalMilliseconds)} ms, {beats.Count} beats)";
        return gap <= c.MaxGap.TotalMilliseconds
            ? new CheckResult(c.Name, Verdict.Passed, text, null, null)
            : new CheckResult(c.Name, Verdict.Failed, text, LastEventBefore(o, after.AtSeconds + (gap / 1000)), after.AtSeconds);
    }

    private static CheckResult TcpEcho(TcpEchoCheck c, WorldObservation o)
    {
        if (o.Latency.Count == 0)
        {
            return new CheckResult(c.Name, Verdict.Error, $"no echo requests were made to port {c.Port} (the world has no address the lab can reach)", null, null);
        }

        var answered = o.Latency.Where(g => g.RttMs is not null).ToList();
        if (answered.Count < 2)
        {
            return new CheckResult(c.Name, Verdict.Failed, $"the service on port {c.Port} answered {answered.Count} of {o.Latency.Count} requests", null, null);
        }

        var (gap, after) = answered.Zip(answered.Skip(1))
            .Select(pair => (Gap: (pair.Second.AtSeconds - pair.First.AtSeconds) * 1000, After: pair.First.AtSeconds))
            .MaxBy(g => g.Gap);
        var text = $"longest time without an echo {V(gap)} ms, after t={S(after)} (limit {V(c.MaxGap.TotalMilliseconds)} ms, {answered.Count}/{o.Latency.Count} answered)";
        return gap <= c.MaxGap.TotalMilliseconds
            ? new CheckResult(c.Name, Verdict.Passed, text, null, null)
            : new CheckResult(c.Name, Verdict.Failed, text, EventNear(o, after).TrimStart(',', ' ') is { Length: > 0 } e ? e : null, after);
    }

    private static List<MetricPoint> Points(MetricCheck c, IReadOnlyList<OutputLine> output)
    {
        var points = new List<MetricPoint>();
        foreach (var line in output)
        {
            var m = c.Pattern.Match(line.Text);
            if (m.Success && m.Groups.Count > 1
                && double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
            {
                points.Add(new MetricPoint(line.AtSeconds, v));
            }
        }

        return points;
    }

    private static (double At, double From)? ChangeBefore(IReadOnlyList<ProbeSample> samples, ProbeField field, ProbeSample upTo)
    {
        (double, double)? last = null;
        for (var i = 1; i < samples.Count && samples[i].AtSeconds <= upTo.AtSeconds; i++)
        {
            if (Read(samples[i], field) != Read(samples[i - 1], field))
            {
                last = (samples[i].AtSeconds, Read(samples[i - 1], field));
            }
        }

        return last;
    }

    private static double Read(ProbeSample s, ProbeField f) => f switch
    {
        ProbeField.Nproc => s.Nproc,
        ProbeField.Affinity => s.Affinity,
        ProbeField.Online => s.Online,
        ProbeField.MemTotal => s.MemTotalKiB,
        _ => s.MemAvailableKiB,
    };

    private static string FieldName(ProbeField f) => f switch
    {
        ProbeField.Nproc => "nproc",
        ProbeField.Affinity => "CPUs in its affinity mask",
        ProbeField.Online => "online CPUs",
        ProbeField.MemTotal => "KiB MemTotal",
        _ => "KiB MemAvailable",
    };

    private static double Stamp(OutputLine l, StampClock c) => c == StampClock.Monotonic ? l.MonotonicMs : l.RealtimeMs;

    private static string EventNear(WorldObservation o, double at)
    {
        var e = o.Events.Where(e => e.Outcome == "ok" && e.StartSeconds <= at + 0.5).MaxBy(e => e.StartSeconds);
        return e is null ? string.Empty : $", after {e.Action} at t={S(e.StartSeconds)}";
    }

    private static string? LastEventBefore(WorldObservation o, double at) =>
        o.Events.Where(e => e.Outcome == "ok" && e.StartSeconds <= at).MaxBy(e => e.StartSeconds) is { } e
            ? $"after {e.Action} at t={S(e.StartSeconds)}"
            : null;

    private static string? LastLineOrEvent(WorldObservation o, double at) =>
        o.Output.LastOrDefault(l => l.AtSeconds <= at + 0.001) is { } line
            ? Join($"its last line: '{Cut(line.Text)}'", FactsWhy(o, line.Text), LastEventBefore(o, at))
            : LastEventBefore(o, at);

    /// <summary>What the world's facts say about a line: a perf_event_open failure where the probe found no PMU.</summary>
    private static string? FactsWhy(WorldObservation o, string text) =>
        o.Facts is { Pmu: false } f && text.Contains("perf_event", StringComparison.OrdinalIgnoreCase)
            ? $"this world has no hardware PMU (the probe: {f.PmuDetail ?? "no cpu event source"})"
            : null;

    private static string? Join(params string?[] parts) =>
        parts.Where(p => p is not null).ToList() is { Count: > 0 } some ? string.Join("; ", some) : null;

    private static string? SignalWhy(int sig, WorldObservation o) => sig == 4
        ? "SIGILL: the CPU has no such instruction (a CPU feature the program needs is missing from this world's CPU model)"
        : LastEventBefore(o, double.MaxValue);

    private static string SignalName(int sig) => sig switch
    {
        4 => "SIGILL",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        15 => "SIGTERM",
        _ => "signal " + sig.ToString(CultureInfo.InvariantCulture),
    };

    private static string Cut(string s) => s.Length <= 120 ? s : s[..117] + "...";

    private static string S(double seconds) => seconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    private static string V(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>The default pattern of a metric: NAME=VALUE anywhere in a line.</summary>
    public static Regex DefaultPattern(string metric) =>
        new($@"(?<![\w.]){Regex.Escape(metric)}=(-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)", RegexOptions.CultureInvariant);
}
