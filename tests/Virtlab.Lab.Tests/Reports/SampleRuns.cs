using Virtlab.Api;
using Virtlab.Lab.Results;

namespace Virtlab.Lab.Tests.Reports;

/// <summary>
/// A realistic <see cref="LabRun"/> of the worker-pool scenario, as the runner would record it: the host passes; a VM
/// fails after a vCPU plug (online 2→4 at t=12.3 s, the app's workers stay 2); a VM is suspended for 3 s and has its
/// clock stepped (a probe gap and a realtime step); a VM is migrated (remaining RAM falls while the throttle rises);
/// a VM the lab could not run (Error). One world's label carries a script tag: the reports must escape it.
/// </summary>
internal static class SampleRuns
{
    public const string ScriptLabel = "qemu64 <script>alert('owned')</script>";
    public static readonly DateTimeOffset Start = new(2026, 12, 5, 14, 30, 0, TimeSpan.Zero);

    public static readonly IReadOnlyList<string> CheckNames = ["exit 0", "pool follows the CPUs", "heartbeat", "service answers"];

    public static LabRun WorkerPool() => new(
        "worker-pool",
        "A worker pool sized to the CPU count when the program starts.",
        "passes on the host; fails in a VM once a vCPU is plugged during the run",
        "lab/examples/worker-pool/scenario.yaml",
        Start,
        Start.AddSeconds(96),
        new MachineInfo("lab-box", "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz", 2, 24L << 20, "10.0.2", "tcg",
            "/dev/kvm is nested PVM: it cannot run a stock kernel", "6.1.0-56-amd64"),
        CheckNames,
        [Host(), Plugged(), Suspended(), Migrated(), Unreachable()]);

    private static WorldRun Host() => World(
        "host", "host (this machine)", "host", null, null, null, null, Verdict.Passed, 0,
        [Pass("exit 0", "exit status 0"), Pass("pool follows the CPUs", "workers=2 matched 2 online CPUs at all 80 samples"),
         Pass("heartbeat", "largest gap 0.26 s"), Pass("service answers", "largest gap 0.02 s")],
        [new EventRecord("setvcpus 4", 12.0, null, "skipped", "events do not apply to the host world")],
        Samples(t => 2, t => 1_950_000), Workers(t => 2), Latency(t => 0.12), [], new AppExit(0, null, false, 20.1));

    private static WorldRun Plugged() => World(
        "vm-max-2v4-256m-auto", "max, 2,maxvcpus=4, 256M", "vm", "max", "2,maxvcpus=4", "256M,maxmemory=1G", "tcg", Verdict.Failed, 3,
        [Pass("exit 0", "exit status 0"),
         new CheckResult("pool follows the CPUs", Verdict.Failed, "workers=2 while 4 CPUs were online",
             "the app's worker pool stayed at 2 after the guest went from 2 to 4 online CPUs at t=12.3 s (setvcpus 4 --live at t=12.0 s)", 14.3),
         Pass("heartbeat", "largest gap 0.31 s"), Pass("service answers", "largest gap 0.09 s")],
        [new EventRecord("setvcpus 4", 12.0, 12.3, "ok", "2 → 4 vCPUs, onlined in the guest")],
        Samples(t => t < 12.3 ? 2 : 4, t => 201_000), Workers(t => 2), Latency(t => 1.8 + (t % 1.3)), [], new AppExit(0, null, false, 20.0));

    private static WorldRun Suspended()
    {
        var samples = Samples(t => 2, t => 200_500)
            .Where(s => s.AtSeconds is < 8.0 or > 11.0)
            .Select(s => s.AtSeconds switch
            {
                > 11.0 and < 11.26 => s with { GapMs = 3250.4, HostGapMs = 3251.0 },
                > 14.0 and < 14.26 => s with { RealtimeStepMs = -2000.2, RealtimeMs = s.RealtimeMs - 2000.2 },
                _ => s,
            }).ToList();
        return World(
            "vm-nehalem-2v4-256m-auto", "Nehalem, 2,maxvcpus=4, 256M", "vm", "Nehalem", "2,maxvcpus=4", "256M,maxmemory=1G", "tcg", Verdict.Failed, 4,
            [Pass("exit 0", "exit status 0"), Pass("pool follows the CPUs", "workers=2 matched 2 online CPUs at all 68 samples"),
             new CheckResult("heartbeat", Verdict.Failed, "largest gap 3.26 s > 500 ms",
                 "the guest was suspended from t=8.0 s to t=11.0 s (suspend 3s): no 'beat' line for 3.26 s; then its wall clock was stepped by -2.0 s at t=14.0 s", 11.1),
             new CheckResult("service answers", Verdict.Failed, "no echo for 3.12 s > 500 ms",
                 "tcp_echo got no answer from t=7.98 s to t=11.10 s, while the guest was suspended", 11.1)],
            [new EventRecord("suspend 3s", 8.0, 11.0, "ok", "suspend, resume after 3 s"),
             new EventRecord("clock_step -2s", 14.0, 14.1, "ok", "domtime --time: guest wall clock 2 s behind the host")],
            samples, Workers(t => 2), Latency(t => t is >= 8.0 and < 11.1 ? null : 2.2), [], new AppExit(0, null, false, 20.0));
    }

    private static WorldRun Migrated() => World(
        "vm-max-2v4-512m-tcg", "max, 2,maxvcpus=4, 512M (migrated)", "vm", "max", "2,maxvcpus=4", "512M", "tcg", Verdict.Passed, 5,
        [Pass("exit 0", "exit status 0"), Pass("pool follows the CPUs", "workers=2 matched 2 online CPUs at all 78 samples"),
         Pass("heartbeat", "largest gap 0.46 s"), Pass("service answers", "largest gap 0.31 s")],
        [new EventRecord("migrate max_downtime=300ms auto_converge", 6.0, 10.2, "ok", "to lab-host-2: downtime 212 ms, total 4.2 s")],
        Samples(t => 2, t => 420_000, gap: t => t is > 10.0 and < 10.3 ? 462.0 : 250.0),
        Workers(t => 2), Latency(t => t is >= 10.0 and < 10.3 ? null : 2.5 + (t is > 6 and < 10 ? 3.5 : 0)),
        [new MigrationTrace("lab-host-2", 6.0, 212, 246, 310, 4200, "completed", MigrationSamples())],
        new AppExit(0, null, false, 20.0));

    private static WorldRun Unreachable() => World(
        "vm-qemu64-1v2-256m-auto", ScriptLabel, "vm", "qemu64", "1,maxvcpus=2", "256M", "tcg", Verdict.Error, 6,
        [], [], [], [], [], [], null,
        error: "the guest agent did not answer within 60 s (guest-ping) & the VM was destroyed");

    private static WorldRun World(
        string id, string label, string kind, string? cpu, string? vcpus, string? memory, string? accel, Verdict verdict, int order,
        IReadOnlyList<CheckResult> checks, IReadOnlyList<EventRecord> events, IReadOnlyList<ProbeSample> samples,
        IReadOnlyList<MetricSeries> metrics, IReadOnlyList<GapSample> latency, IReadOnlyList<MigrationTrace> migrations, AppExit? exit,
        string? error = null) => new(
        id, label, kind, cpu, vcpus, memory, accel, verdict, error, Start.AddSeconds(order * 16), exit is null ? 61.0 : 24.5, exit,
        exit is null ? null : new WorldFacts(cpu is null ? "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz" : $"QEMU TCG CPU ({cpu})",
            ["fpu", "sse4_2", "hypervisor"], kind == "host" ? "tsc" : "hpet", kind == "host", kind == "host" ? null : "perf_event_open: ENOENT", 2, 1_000_000),
        checks, events, samples, metrics, exit is null ? [] : Output(label), latency, migrations);

    private static CheckResult Pass(string name, string message) => new(name, Verdict.Passed, message, null, null);

    private static List<ProbeSample> Samples(Func<double, int> online, Func<double, long> memTotal, Func<double, double>? gap = null)
    {
        var list = new List<ProbeSample>();
        for (var i = 0; i <= 80; i++)
        {
            var t = i * 0.25;
            var n = online(t);
            var total = memTotal(t);
            list.Add(new ProbeSample(t, n, n, n, n == 2 ? "0-1" : $"0-{n - 1}", total, total - 60_000 - (long)(Math.Sin(t) * 8_000) - i * 300,
                "tsc", 5000 + t * 1000, 1_765_000_000_000 + t * 1000, gap?.Invoke(t) ?? 250.0 + (i % 3), 0.0, 250.5));
        }

        return list;
    }

    private static List<MetricSeries> Workers(Func<double, double> value) =>
        [new MetricSeries("workers", [.. Enumerable.Range(0, 21).Select(i => new MetricPoint(i, value(i)))])];

    private static List<GapSample> Latency(Func<double, double?> rtt) =>
        [.. Enumerable.Range(0, 201).Select(i => new GapSample(i * 0.1, rtt(i * 0.1)))];

    private static List<JobSample> MigrationSamples()
    {
        var list = new List<JobSample>();
        for (var i = 0; i <= 16; i++)
        {
            var t = i * 0.25;
            var remaining = (long)(512 * Math.Pow(0.72, i) * (1 << 20));
            list.Add(new JobSample(t, i == 16 ? "completed" : "active", remaining, (512L << 20) - remaining + i * (12L << 20),
                DirtyPagesRate: (long)(9000 * Math.Pow(0.86, i)), Iteration: 1 + i / 3, ThrottlePercent: Math.Min(99, i / 3 * 20), Mbps: 880 + i * 5));
        }

        return list;
    }

    private static List<OutputLine> Output(string label) =>
    [
        .. Enumerable.Range(0, 21).Select(i => new OutputLine(i, 5000 + i * 1000, 1_765_000_000_000 + i * 1000, "out", $"beat {i} workers=2")),
        new OutputLine(20.0, 25000, 1_765_000_020_000, "err", $"done on {label} <b>&amp; bye</b>"),
    ];
}
