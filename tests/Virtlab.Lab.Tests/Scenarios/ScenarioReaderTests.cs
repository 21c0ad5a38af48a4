using Virtlab.Lab.Scenarios;

namespace Virtlab.Lab.Tests.Scenarios;

/// <summary>docs/LAB.md's example scenario read into its records, and what the reader does with files and text.</summary>
public sealed class ScenarioReaderTests
{
    private static Scenario ReadDocsExample(out string dir)
    {
        dir = ScenarioTexts.TempDirectory();
        var path = Path.Combine(dir, "scenario.yaml");
        File.WriteAllText(path, ScenarioTexts.FromDocs());
        return ScenarioReader.Read(path);
    }

    [Fact]
    public void Given_the_docs_example_then_the_top_level_and_the_app_are_read()
    {
        var s = ReadDocsExample(out var dir);

        Assert.Equal("worker-pool", s.Name);
        Assert.Equal("A worker pool sized to the CPU count when the program starts.", s.Description);
        Assert.Equal("passes on the host; fails in a VM once a vCPU is plugged during the run", s.Expect);
        Assert.Equal(Path.Combine(dir, "scenario.yaml"), s.SourcePath);
        Assert.Equal(dir, s.Directory);
        Assert.Equal(2, s.Hosts);
        Assert.Equal(["./worker-pool", "20"], s.App.Run);
        Assert.Equal([new AppFile(Path.Combine(dir, "worker-pool"), "worker-pool")], s.App.Files);
        Assert.Equal("gcc -O2 -static -o worker-pool worker-pool.c", s.App.Build);
        Assert.Equal(TimeSpan.FromSeconds(60), s.App.Timeout);
        Assert.Equal("^ready", s.App.Ready?.ToString());
        Assert.Equal(new Dictionary<string, string> { ["POOL_LOG"] = "1" }, s.App.Env);
    }

    [Fact]
    public void Given_the_docs_example_then_every_check_is_read_with_its_options_and_defaults()
    {
        var c = ReadDocsExample(out _).Checks;

        Assert.Equal(6, c.Count);
        Assert.Equal("exit 0", c[0].Name);
        Assert.Equal([0], Assert.IsType<ExitCheck>(c[0]).Codes);
        var absent = Assert.IsType<OutputCheck>(c[1]);
        Assert.Equal(("absent: Illegal instruction|Segmentation fault", "Illegal instruction|Segmentation fault", false), (absent.Name, absent.Pattern.ToString(), absent.MustBePresent));
        var pool = Assert.IsType<MetricCheck>(c[2]);
        Assert.Equal(("pool follows the CPUs", "workers", (double?)null, (double?)null, (ProbeField?)ProbeField.Online, TimeSpan.FromSeconds(2)), (pool.Name, pool.Metric, pool.Min, pool.Max, pool.EqualsProbe, pool.Grace));
        Assert.Equal("42", pool.Pattern.Match("x workers=42").Groups[1].Value);
        Assert.DoesNotMatch(pool.Pattern, "idle_workers=3");
        var latency = Assert.IsType<MetricCheck>(c[3]);
        Assert.Equal(("latency", (double?)50, TimeSpan.FromSeconds(2)), (latency.Name, latency.Max, latency.Grace));
        var beat = Assert.IsType<HeartbeatCheck>(c[4]);
        Assert.Equal(("heartbeat", "^beat", TimeSpan.FromMilliseconds(500), StampClock.Monotonic), (beat.Name, beat.Pattern.ToString(), beat.MaxGap, beat.Clock));
        Assert.Equal(new TcpEchoCheck("service answers", 7777, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(500)), c[5]);
    }

    [Fact]
    public void Given_the_docs_example_then_the_worlds_are_the_host_and_the_matrix_with_its_rows()
    {
        var s = ReadDocsExample(out _);

        Assert.True(s.Worlds.Host);
        Assert.Equal(["max", "Nehalem"], s.Worlds.Cpu);
        Assert.Equal(["2,maxvcpus=4"], s.Worlds.Vcpus);
        Assert.Equal(["256M,maxmemory=1G"], s.Worlds.Memory);
        Assert.Equal(["auto"], s.Worlds.Accel);
        Assert.Equal(new Dictionary<string, string> { ["cpu"] = "Nehalem", ["vcpus"] = "2,maxvcpus=4" }, s.Worlds.Exclude.Single());
        Assert.Equal(new Dictionary<string, string> { ["cpu"] = "qemu64", ["vcpus"] = "1,maxvcpus=2", ["memory"] = "256M" }, s.Worlds.Include.Single());
        Assert.Equal(
            ["host", "vm-max-2v4-256m-1g-auto", "vm-qemu64-1v2-256m-auto"],
            WorldMatrix.Expand(s.Worlds).Select(w => w.Id));
    }

    [Fact]
    public void Given_the_docs_example_then_every_event_is_read_with_its_time_or_pattern_and_line()
    {
        var e = ReadDocsExample(out _).Events;

        Assert.Equal(8, e.Count);
        Assert.Equal((TimeSpan.FromSeconds(5), (LabAction)new SetVcpusAction(4, false)), (e[0].At!.Value, e[0].Action));
        Assert.Equal(new SetVcpusAction(1, true), e[1].Action);
        Assert.Null(e[2].At);
        Assert.Equal(("^phase 2", TimeSpan.FromSeconds(1), (LabAction)new SuspendAction(TimeSpan.FromSeconds(3))), (e[2].On?.ToString(), e[2].Delay, e[2].Action));
        Assert.Equal(new MigrateAction(TimeSpan.FromMilliseconds(300), true, false, 64), e[3].Action);
        Assert.Equal(new SetMemAction("384M"), e[4].Action);
        Assert.Equal(new AutoBalloonAction("200M", "512M", 20), e[5].Action);
        Assert.Equal(new ClockStepAction(TimeSpan.FromSeconds(-2)), e[6].Action);
        Assert.Equal(new DomTimeSyncAction(), e[7].Action);
        Assert.All(e.Where(x => x.On is null), x => Assert.Equal(TimeSpan.Zero, x.Delay));

        var lines = ScenarioTexts.FromDocs().Split('\n');
        Assert.StartsWith("  - at: 5s", lines[e[0].Line - 1], StringComparison.Ordinal);
        Assert.StartsWith("  - on: '^phase 2'", lines[e[2].Line - 1], StringComparison.Ordinal);
    }

    [Fact]
    public void Given_the_docs_example_then_the_downtime_section_is_read()
    {
        var d = ReadDocsExample(out _).Downtime!;

        Assert.Equal(WorldMatrix.Vm("max", "1", "256M", "auto"), d.World);
        Assert.Equal("vm-max-1-256m-auto", d.World!.Id);
        Assert.Equal((TimeSpan.FromSeconds(3), TimeSpan.Zero, TimeSpan.FromSeconds(8), TimeSpan.FromMilliseconds(100)), (d.At, d.MinPause, d.MaxPause, d.Resolution));
        Assert.Equal([TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(1)], d.MigrationLimits);
    }

    [Fact]
    public void Given_the_smallest_scenario_then_every_default_is_taken()
    {
        var s = ScenarioReader.Parse(ScenarioTexts.Minimal, "/lab/s.yaml");

        Assert.Equal((1, TimeSpan.FromSeconds(60), (string?)null, (string?)null), (s.Hosts, s.App.Timeout, s.App.Build, s.Description));
        Assert.Empty(s.App.Files);
        Assert.Empty(s.App.Env);
        Assert.Null(s.App.Ready);
        Assert.Empty(s.Events);
        Assert.Null(s.Downtime);
        Assert.False(s.Worlds.Host);
        Assert.Equal(["max", "1", "256M", "auto"], s.Worlds.Cpu.Concat(s.Worlds.Vcpus).Concat(s.Worlds.Memory).Concat(s.Worlds.Accel));
        Assert.Equal(["vm-max-1-256m-auto"], WorldMatrix.Expand(s.Worlds).Select(w => w.Id));
    }

    [Fact]
    public void Given_a_downtime_section_with_only_a_world_then_its_defaults_are_taken_and_missing_axes_come_from_the_matrix()
    {
        var s = ScenarioReader.Parse(ScenarioTexts.Minimal + "\nworlds:\n  vm: {cpu: [Nehalem], memory: [1G]}\ndowntime:\n  world: {vcpus: '2'}\n", "/lab/s.yaml");

        var d = s.Downtime!;
        Assert.Equal(("Nehalem", "2", "1G", "auto"), (d.World!.Cpu, d.World.Vcpus, d.World.Memory, d.World.Accel));
        Assert.Equal((TimeSpan.FromSeconds(3), TimeSpan.Zero, TimeSpan.FromSeconds(8), TimeSpan.FromMilliseconds(250)), (d.At, d.MinPause, d.MaxPause, d.Resolution));
        Assert.Empty(d.MigrationLimits);
    }

    [Fact]
    public void Given_checks_without_names_then_each_gets_a_readable_one()
    {
        var yaml = """
            name: t
            app: {run: [./a, 'x y']}
            checks:
              - exit: [0, 1, 3]
              - present: '^done'
              - {metric: workers, equals_probe: nproc}
              - {metric: latency_ms, min: 1, max: 50.5}
              - {heartbeat: '^beat', max_gap: 500ms, clock: realtime}
              - {tcp_echo: 7777, max_gap: 1s}
            """;

        var s = ScenarioReader.Parse(yaml, "/lab/s.yaml");

        Assert.Equal(["./a", "x y"], s.App.Run);
        Assert.Equal(
            ["exit 0, 1 or 3", "present: ^done", "metric workers = nproc", "metric latency_ms ≥ 1, ≤ 50.5", "heartbeat ^beat ≤ 500ms", "tcp_echo 7777"],
            s.Checks.Select(c => c.Name));
        Assert.Equal(StampClock.Realtime, Assert.IsType<HeartbeatCheck>(s.Checks[4]).Clock);
    }

    [Fact]
    public void Given_a_migrate_event_without_options_and_setvcpus_count_alone_then_the_defaults_are_taken()
    {
        var yaml = ScenarioTexts.Minimal + "\nhosts: 2\nevents:\n  - {at: 1s, migrate: }\n  - {at: 2s, setvcpus: {count: 3}}\n  - {at: 3s, clock_step: +500ms}\n";

        var e = ScenarioReader.Parse(yaml, "/lab/s.yaml").Events;

        Assert.Equal(new MigrateAction(null, false, false, null), e[0].Action);
        Assert.Equal(new SetVcpusAction(3, false), e[1].Action);
        Assert.Equal(new ClockStepAction(TimeSpan.FromMilliseconds(500)), e[2].Action);
    }

    [Fact]
    public void Given_relative_and_absolute_files_then_sources_are_full_paths_from_the_scenario_directory()
    {
        var yaml = "name: t\napp:\n  run: ./a\n  files: [a, sub/b.txt, /opt/c]\nchecks: [{exit: 0}]\n";

        var files = ScenarioReader.Parse(yaml, "/lab/x/s.yaml").App.Files;

        Assert.Equal([new AppFile("/lab/x/a", "a"), new AppFile("/lab/x/sub/b.txt", "b.txt"), new AppFile("/opt/c", "c")], files);
    }

    [Fact]
    public void Given_a_missing_file_then_read_names_it_as_a_problem()
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioReader.Read("/nonexistent/s.yaml"));

        Assert.Equal(("/nonexistent/s.yaml", "file"), (e.Problems.Single().File, e.Problems.Single().Key));
    }

    [Fact]
    public void Given_an_app_file_that_does_not_exist_then_check_files_names_its_line_unless_the_build_is_still_to_make_it()
    {
        var dir = ScenarioTexts.TempDirectory();
        File.WriteAllText(Path.Combine(dir, "here"), "x");
        var plain = ScenarioReader.Parse("name: t\napp:\n  run: ./here\n  files:\n    - here\n    - gone\nchecks: [{exit: 0}]\n", Path.Combine(dir, "s.yaml"));
        var built = ScenarioReader.Parse("name: t\napp:\n  build: make\n  run: ./here\n  files: [here, gone]\nchecks: [{exit: 0}]\n", Path.Combine(dir, "s.yaml"));

        var p = Assert.Throws<ScenarioException>(() => ScenarioReader.CheckFiles(plain)).Problems.Single();
        Assert.Equal((6, 7, "app.files[1]"), (p.Line, p.Column, p.Key));
        Assert.Contains("gone does not exist", p.Message, StringComparison.Ordinal);
        ScenarioReader.CheckFiles(built);
        var after = Assert.Throws<ScenarioException>(() => ScenarioReader.CheckFiles(built, afterBuild: true)).Problems.Single();
        Assert.Equal((5, 17, "app.files[1]"), (after.Line, after.Column, after.Key));
        Assert.Contains("app.build did not make it", after.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_the_docs_example_after_its_build_then_check_files_passes_when_the_program_is_there()
    {
        var s = ReadDocsExample(out var dir);
        File.WriteAllText(Path.Combine(dir, "worker-pool"), "binary");

        ScenarioReader.CheckFiles(s, afterBuild: true);
    }

    [Fact]
    public void Given_cpu_models_the_host_does_not_know_then_each_is_a_problem_at_its_line_with_close_names()
    {
        var yaml = """
            name: t
            app: {run: ./a}
            checks: [{exit: 0}]
            worlds:
              vm:
                cpu: [max, nehalem, Nehalm]
                include:
                  - {cpu: Skylake-Clent}
            downtime:
              world: {cpu: HOST}
            """;
        var s = ScenarioReader.Parse(yaml, "/lab/s.yaml");
        string[] known = ["Nehalem", "Nehalem-IBRS", "Skylake-Client", "Skylake-Server", "qemu64", "EPYC"];

        var p = Assert.Throws<ScenarioException>(() => ScenarioReader.CheckCpuModels(s, known)).Problems;

        Assert.Equal([("worlds.vm.cpu[2]", 6, 25), ("worlds.vm.include[0].cpu", 8, 15)], p.Select(x => (x.Key, x.Line, x.Column)));
        Assert.Contains("close: Nehalem", p[0].Message, StringComparison.Ordinal);
        Assert.Contains("see 'virtlab cpu-models'", p[0].Message, StringComparison.Ordinal);
        Assert.Contains("Skylake-Client", p[1].Message, StringComparison.Ordinal);
    }
}
