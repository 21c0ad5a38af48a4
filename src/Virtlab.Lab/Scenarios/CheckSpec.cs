using System.Text.RegularExpressions;

namespace Virtlab.Lab.Scenarios;

/// <summary>One check that decides pass or fail, evaluated per world after the run.</summary>
public abstract record CheckSpec(string Name);

/// <summary><c>exit: 0</c> (or a list): the application's exit status. Killed by a signal or by the timeout fails it.</summary>
public sealed record ExitCheck(string Name, IReadOnlyList<int> Codes) : CheckSpec(Name);

/// <summary><c>present: REGEX</c> / <c>absent: REGEX</c>: a pattern in the application's output (stdout and stderr).</summary>
public sealed record OutputCheck(string Name, Regex Pattern, bool MustBePresent) : CheckSpec(Name);

/// <summary>
/// <c>metric: NAME</c>: a number the application prints (by default in <c>NAME=VALUE</c>; <c>pattern</c> gives a
/// regex with one group), held to <c>min</c>/<c>max</c>, or to a probe reading (<c>equals_probe: online</c>) at every
/// probe sample later than <c>grace</c> after that reading changed.
/// </summary>
public sealed record MetricCheck(
    string Name,
    string Metric,
    Regex Pattern,
    double? Min,
    double? Max,
    ProbeField? EqualsProbe,
    TimeSpan Grace) : CheckSpec(Name);

/// <summary><c>heartbeat: REGEX</c> with <c>max_gap</c>: consecutive matching lines at most that far apart, by the
/// application's own clock (the runner stamps every line with CLOCK_MONOTONIC and CLOCK_REALTIME where it runs).</summary>
public sealed record HeartbeatCheck(string Name, Regex Pattern, TimeSpan MaxGap, StampClock Clock) : CheckSpec(Name);

/// <summary>
/// <c>tcp_echo: PORT</c> with <c>interval</c> and <c>max_gap</c>: the lab itself is the application's client, from
/// outside its world (on a VM's lab-network address): it sends a line every interval and requires an echo; the longest
/// time without an answer must stay within max_gap. This is the talk's ping trace for a service.
/// </summary>
public sealed record TcpEchoCheck(string Name, int Port, TimeSpan Interval, TimeSpan MaxGap) : CheckSpec(Name);

/// <summary>The clock a line's stamp is read from.</summary>
public enum StampClock
{
    Monotonic,
    Realtime,
}

/// <summary>What the probe beside the application reads at every sample (<see cref="Results.ProbeSample"/>).</summary>
public enum ProbeField
{
    /// <summary>sysconf(_SC_NPROCESSORS_ONLN): what nproc and most runtimes size pools by.</summary>
    Nproc,

    /// <summary>CPUs in the process's sched_getaffinity mask.</summary>
    Affinity,

    /// <summary>CPUs listed in /sys/devices/system/cpu/online.</summary>
    Online,

    /// <summary>MemTotal, KiB.</summary>
    MemTotal,

    /// <summary>MemAvailable, KiB.</summary>
    MemAvailable,
}
