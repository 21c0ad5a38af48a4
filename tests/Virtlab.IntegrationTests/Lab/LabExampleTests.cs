using System.Text.Json.Nodes;
using Virtlab.IntegrationTests.Infrastructure;

namespace Virtlab.IntegrationTests.Lab;

/// <summary>
/// The lab's own acceptance test: every built-in example, run by <c>virtlab lab run NAME</c> as a user runs it, gets
/// the verdict its scenario predicts in the worlds that matter, with the evidence a user reads (the matrix, the 'why'
/// line), and leaves no lab host or QEMU behind.
/// </summary>
public sealed class LabExampleTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(12);

    [Fact]
    public async Task Worker_pool_passes_on_the_host_and_fails_in_the_vm_after_the_vcpu_plug_with_the_probe_line_that_explains_it()
    {
        var (r, results) = await RunAsync("worker-pool");

        Assert.Equal("Passed", Verdict(results, "host"));
        var vm = LabCli.World(results, "vm-max-1v2-256m-auto");
        Assert.Equal("Failed", vm["verdict"]!.GetValue<string>());
        var pool = LabCli.Check(vm, "pool follows the CPUs");
        Assert.Equal("Failed", pool["verdict"]!.GetValue<string>());
        var why = pool["explanation"]!.GetValue<string>();
        Assert.Contains("from 1 to 2 online CPUs", why);
        Assert.Contains("after setvcpus 2 --live", why);
        Assert.Contains("workers stayed at 1", why);
        Assert.Contains("why: the world went from 1 to 2 online CPUs", r.Stdout);
        Assert.Equal("Passed", LabCli.Check(vm, "exit 0")["verdict"]!.GetValue<string>());
    }

    [Fact]
    public async Task Licence_fails_in_the_vm_when_setvcpus_raises_the_count_above_it()
    {
        var (_, results) = await RunAsync("licence");

        Assert.Equal(Environment.ProcessorCount <= 2 ? "Passed" : "Failed", Verdict(results, "host"));
        var vm = LabCli.World(results, "vm-max-1v3-256m-auto");
        Assert.Equal("Failed", vm["verdict"]!.GetValue<string>());
        var kept = LabCli.Check(vm, "licence kept");
        Assert.Equal("Failed", kept["verdict"]!.GetValue<string>());
        Assert.Contains("licence violated", kept["message"]!.GetValue<string>());
        Assert.Contains("after setvcpus 3 --live", kept["explanation"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cpu_feature_passes_on_max_and_the_host_and_dies_of_sigill_on_nehalem_and_qemu64()
    {
        var (_, results) = await RunAsync("cpu-feature");

        Assert.Equal("Passed", Verdict(results, "vm-max-1-256m-auto"));
        if (File.ReadAllText("/proc/cpuinfo").Contains(" avx2", StringComparison.Ordinal))
        {
            Assert.Equal("Passed", Verdict(results, "host"));
        }

        foreach (var id in new[] { "vm-nehalem-1-256m-auto", "vm-qemu64-1-256m-auto" })
        {
            var world = LabCli.World(results, id);
            Assert.Equal("Failed", world["verdict"]!.GetValue<string>());
            Assert.Equal(4, world["exit"]!["signal"]!.GetValue<int>());
            var exit = LabCli.Check(world, "exit 0");
            Assert.Contains("SIGILL", exit["message"]!.GetValue<string>());
            Assert.Contains("a CPU feature the program needs is missing", exit["explanation"]!.GetValue<string>());
            Assert.DoesNotContain("avx2", world["facts"]!["flags"]!.AsArray().Select(f => f!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task Perf_counters_fail_in_a_tcg_guest_with_the_kernels_answer_and_follow_the_host_pmu_on_the_host()
    {
        var (_, results) = await RunAsync("perf-counters");

        var host = LabCli.World(results, "host");
        Assert.Equal(host["facts"]!["pmu"]!.GetValue<bool>() ? "Passed" : "Failed", host["verdict"]!.GetValue<string>());
        var vm = LabCli.World(results, "vm-max-1-256m-auto");
        Assert.False(vm["facts"]!["pmu"]!.GetValue<bool>());
        Assert.Equal("Failed", vm["verdict"]!.GetValue<string>());
        var exit = LabCli.Check(vm, "exit 0");
        Assert.Contains("exit status 4", exit["message"]!.GetValue<string>());
        Assert.Matches("ENOENT|EOPNOTSUPP|ENODEV", exit["explanation"]!.GetValue<string>());
    }

    [Fact]
    public async Task Tsc_timing_agrees_with_clock_monotonic_across_a_pause_and_a_migration_under_tcg()
    {
        var (_, results) = await RunAsync("tsc-timing");

        foreach (var w in results["worlds"]!.AsArray())
        {
            Assert.True(w!["verdict"]!.GetValue<string>() == "Passed", $"{w["id"]}: {w.ToJsonString()[..Math.Min(2000, w.ToJsonString().Length)]}");
        }

        var vm = LabCli.World(results, "vm-max-1-256m-auto");
        Assert.Contains(vm["events"]!.AsArray(), e => e!["action"]!.GetValue<string>().StartsWith("suspend", StringComparison.Ordinal) && e["outcome"]!.GetValue<string>() == "ok");
        var migration = Assert.Single(vm["migrations"]!.AsArray());
        Assert.Equal("completed", migration!["outcome"]!.GetValue<string>());
    }

    [Fact]
    public async Task Echo_service_breaks_its_deadline_for_a_client_outside_while_its_own_heartbeat_sees_nothing()
    {
        var (_, results) = await RunAsync("echo-service");

        Assert.Equal("Passed", Verdict(results, "host"));
        var vm = LabCli.World(results, "vm-max-1-256m-auto");
        Assert.Equal("Failed", LabCli.Check(vm, "service answers")["verdict"]!.GetValue<string>());
        Assert.Equal("Passed", LabCli.Check(vm, "heartbeat")["verdict"]!.GetValue<string>());
        Assert.NotEmpty(vm["latency"]!.AsArray());
    }

    [Fact]
    public async Task Lab_downtime_on_the_echo_service_reports_a_number_with_the_runs_on_either_side()
    {
        using var lab = new LabCli();
        var report = lab.Report("downtime");

        var r = await lab.RunAsync(TimeSpan.FromMinutes(20), "downtime", "echo-service", "--report", report);

        Assert.True(r.ExitCode == 0, r.ToString());
        var line = r.Stdout.Split('\n').Single(l => l.StartsWith("max downtime:", StringComparison.Ordinal));
        var m = System.Text.RegularExpressions.Regex.Match(line, @"passes with a pause of ([0-9.]+ m?s); fails with ([0-9.]+ m?s)");
        Assert.True(m.Success, line);
        var results = LabCli.Results(report);
        var trials = results["worlds"]!.AsArray().Select(w => w!["id"]!.GetValue<string>()).ToList();
        Assert.Contains("pause-0ms", trials);
        Assert.Contains("pause-4000ms", trials);
        Assert.Equal("Passed", Verdict(results, "pause-0ms"));
        Assert.Equal("Failed", Verdict(results, "pause-4000ms"));
        Assert.Contains(r.Stdout.Split('\n'), l => l.Contains("evidence:", StringComparison.Ordinal) && l.Contains("passed", StringComparison.Ordinal));
        Assert.Contains(r.Stdout.Split('\n'), l => l.Contains("evidence:", StringComparison.Ordinal) && l.Contains("failed", StringComparison.Ordinal));
        Assert.Empty(LabCli.LeftoverProcesses());
    }

    private static string Verdict(JsonNode results, string world) => LabCli.World(results, world)["verdict"]!.GetValue<string>();

    private static async Task<(CliResult Result, JsonNode Results)> RunAsync(string example)
    {
        Requirements.QemuAndImage();
        using var lab = new LabCli();
        var report = lab.Report(example);

        var r = await lab.RunAsync(Timeout, "run", example, "--report", report);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("reports:", r.Stdout);
        Assert.True(File.Exists(Path.Combine(report, "report.html")));
        Assert.True(File.Exists(Path.Combine(report, "junit.xml")));
        Assert.Empty(LabCli.LeftoverProcesses());
        return (r, LabCli.Results(report));
    }
}
