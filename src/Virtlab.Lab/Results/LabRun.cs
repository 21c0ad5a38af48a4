namespace Virtlab.Lab.Results;

/// <summary>
/// Everything one <c>virtlab lab run</c> found: the contract between the runner and the reports (report.html,
/// junit.xml, results.json). Times are seconds from the world's t=0 (the application's start, or its ready line).
/// results.json is this record, serialized by <see cref="LabJsonContext"/>.
/// </summary>
/// <param name="Checks">The scenario's check names, in order: the report's matrix columns.</param>
public sealed record LabRun(
    string Scenario,
    string? Description,
    string? Expect,
    string ScenarioFile,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    MachineInfo Machine,
    IReadOnlyList<string> Checks,
    IReadOnlyList<WorldRun> Worlds);

/// <summary>This machine, as the report states it next to the results.</summary>
public sealed record MachineInfo(string HostName, string CpuModel, int Cores, long MemoryKiB, string? QemuVersion, string? Accel, string? AccelReason, string Kernel);

/// <summary>One world's run.</summary>
/// <param name="Id">The world's id: the run directory's name (runs/ID/) and the report's anchor.</param>
/// <param name="Verdict">passed (every check passed), failed (a check failed), error (the lab could not run it: the message says why), skipped.</param>
/// <param name="Error">Why the lab could not run this world (VM did not start, agent did not answer): never the application's fault.</param>
/// <param name="Exit">How the application ended.</param>
/// <param name="Facts">What the world offered, read once at start: CPU model name, flags, PMU, clocksource.</param>
public sealed record WorldRun(
    string Id,
    string Label,
    string Kind,
    string? Cpu,
    string? Vcpus,
    string? Memory,
    string? Accel,
    Verdict Verdict,
    string? Error,
    DateTimeOffset StartedAt,
    double DurationSeconds,
    AppExit? Exit,
    WorldFacts? Facts,
    IReadOnlyList<CheckResult> Checks,
    IReadOnlyList<EventRecord> Events,
    IReadOnlyList<ProbeSample> Samples,
    IReadOnlyList<MetricSeries> Metrics,
    IReadOnlyList<OutputLine> Output,
    IReadOnlyList<GapSample> Latency,
    IReadOnlyList<MigrationTrace> Migrations);

public enum Verdict
{
    Passed,
    Failed,
    Error,
    Skipped,
}

/// <param name="Code">The exit status, when it exited.</param>
/// <param name="Signal">The signal that ended it (4 = SIGILL, 9 = SIGKILL after the timeout ...).</param>
/// <param name="TimedOut">Killed by the lab at the scenario's timeout.</param>
public sealed record AppExit(int? Code, int? Signal, bool TimedOut, double AtSeconds);

/// <param name="Pmu">A hardware PMU the application can open (perf_event_open of cycles works).</param>
public sealed record WorldFacts(string ModelName, IReadOnlyList<string> Flags, string Clocksource, bool Pmu, string? PmuDetail, int OnlineCpus, long MemTotalKiB);

/// <param name="Verdict">Passed, Failed, Error (the check could not be evaluated: no data), Skipped.</param>
/// <param name="Message">What was seen: "exit status 0", "workers=2 while 4 CPUs were online".</param>
/// <param name="Explanation">The probe reading or event that explains a failure: "the guest went from 2 to 4 online CPUs at t=12.3 s (setvcpus 4 --live at t=12.0 s); the app's worker pool stayed at 2".</param>
/// <param name="AtSeconds">When it first failed.</param>
public sealed record CheckResult(string Name, Verdict Verdict, string Message, string? Explanation, double? AtSeconds);

/// <summary>An event as it happened: when it was started, when it returned, and what the daemon said.</summary>
/// <param name="Outcome">ok, failed, skipped (host world, or after the application ended).</param>
public sealed record EventRecord(string Action, double StartSeconds, double? EndSeconds, string Outcome, string? Detail);

/// <summary>
/// One reading of the probe that runs beside the application (every 250 ms): what a program there saw. Clock steps are
/// the change of CLOCK_REALTIME minus the change of CLOCK_MONOTONIC since the previous sample (0 when they agree: a
/// pause hides from both; a domtime --sync or a clock step shows as a step).
/// </summary>
/// <param name="GapMs">CLOCK_MONOTONIC since the previous sample (~250 when nothing stopped the world).</param>
/// <param name="HostGapMs">This machine's time since the previous sample arrived: what the world did not see.</param>
public sealed record ProbeSample(
    double AtSeconds,
    int Nproc,
    int Affinity,
    int Online,
    string OnlineList,
    long MemTotalKiB,
    long MemAvailableKiB,
    string Clocksource,
    double MonotonicMs,
    double RealtimeMs,
    double GapMs,
    double RealtimeStepMs,
    double? HostGapMs);

/// <summary>A metric the application printed, over time.</summary>
public sealed record MetricSeries(string Name, IReadOnlyList<MetricPoint> Points);

public sealed record MetricPoint(double AtSeconds, double Value);

/// <summary>A line of the application's output, stamped where it ran.</summary>
/// <param name="AtSeconds">On the run's time axis (from the world's monotonic stamp, mapped to this machine's time).</param>
/// <param name="Stream">out or err.</param>
public sealed record OutputLine(double AtSeconds, double MonotonicMs, double RealtimeMs, string Stream, string Text);

/// <summary>The lab's own view from outside (tcp_echo): the round trip of each request, or null when none came back.</summary>
public sealed record GapSample(double AtSeconds, double? RttMs);

/// <summary>One migration during the run: where to, the three downtimes, and QEMU's progress samples (migrate --samples).</summary>
public sealed record MigrationTrace(
    string To,
    double StartSeconds,
    double? DowntimeMs,
    double? GuestGapMs,
    double? PingGapMs,
    double? TotalMs,
    string Outcome,
    IReadOnlyList<Virtlab.Api.JobSample> Samples);
