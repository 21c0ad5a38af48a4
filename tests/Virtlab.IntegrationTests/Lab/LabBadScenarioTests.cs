using Virtlab.IntegrationTests.Infrastructure;

namespace Virtlab.IntegrationTests.Lab;

/// <summary>
/// A scenario that cannot run gets exit status 2 and every problem as FILE:LINE:COLUMN: KEY: message, before any VM
/// starts: no lab host process is left, and no report directory is made.
/// </summary>
public sealed class LabBadScenarioTests
{
    private const string Good = """
        name: bad
        app:
          run: /bin/true
          timeout: 10s
        checks:
          - exit: 0
        worlds:
          host: true
        """;

    public static TheoryData<string, string, string, string> Cases => new()
    {
        { "an unknown key", Good.Replace("  timeout: 10s", "  timeout: 10s\n  tiemout: 5s", StringComparison.Ordinal), ":5:", "app.tiemout" },
        { "a bad size", Good + "\n  vm:\n    memory: ['256Q']", ":10:", "worlds.vm.memory[0]" },
        { "an event after the end", Good + "\nevents:\n  - at: 20s\n    setvcpus: 2", ":10:", "events[0].at" },
        { "a migration without a second host", Good + "\nevents:\n  - at: 2s\n    migrate: {}", ":11:", "events[0].migrate" },
        { "a missing application file", Good.Replace("  run: /bin/true", "  run: ./app\n  files: [app]", StringComparison.Ordinal), ":4:", "app.files[0]" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_bad_scenario_is_refused_with_file_line_and_key_and_nothing_is_started(string what, string yaml, string line, string key)
    {
        using var lab = new LabCli();
        var file = Path.Combine(lab.Root, "bad.yaml");
        await File.WriteAllTextAsync(file, yaml, TestContext.Current.CancellationToken);

        var r = await lab.RunAsync(TimeSpan.FromMinutes(3), "run", file, "--report", lab.Report("r"));

        Assert.True(r.ExitCode == 2, $"{what}: {r}");
        Assert.Contains($"{file}{line}", r.Stderr);
        Assert.Contains(key, r.Stderr);
        Assert.Contains("nothing was started", r.Stderr);
        Assert.False(Directory.Exists(lab.Report("r")), $"{what}: a report directory was made for a scenario that cannot run");
        Assert.Empty(LabCli.LeftoverProcesses());
    }

    [Fact]
    public async Task An_unknown_cpu_model_is_refused_before_any_vm_starts()
    {
        Requirements.QemuAndImage();
        using var lab = new LabCli();
        var file = Path.Combine(lab.Root, "cpu.yaml");
        await File.WriteAllTextAsync(file, Good + "\n  vm:\n    cpu: [max, Nehalme]", TestContext.Current.CancellationToken);

        var r = await lab.RunAsync(TimeSpan.FromMinutes(3), "run", file, "--report", lab.Report("r"));

        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains($"{file}:10:", r.Stderr);
        Assert.Contains("worlds.vm.cpu[1]", r.Stderr);
        Assert.Contains("Nehalem", r.Stderr); // the close name it suggests
        Assert.Empty(LabCli.LeftoverProcesses());
    }

    [Fact]
    public async Task A_name_that_is_neither_a_file_nor_an_example_lists_the_examples()
    {
        using var lab = new LabCli();

        var r = await lab.RunAsync(TimeSpan.FromMinutes(3), "run", "worker-poool");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("worker-pool", r.Stderr);
        Assert.Contains("virtlab lab examples", r.Stderr);
    }
}
