using System.Diagnostics;
using Virtlab.IntegrationTests.Infrastructure;

namespace Virtlab.IntegrationTests.Lab;

/// <summary>
/// An interrupted matrix: SIGINT (what Ctrl-C sends) while a VM world runs destroys every VM and lab host the lab
/// started, exits 130 and keeps the worlds that finished; <c>--resume DIR</c> then runs only the rest.
/// </summary>
public sealed class LabResumeTests
{
    [Fact]
    public async Task An_interrupted_run_leaves_nothing_running_and_resume_runs_only_the_worlds_that_did_not_finish()
    {
        Requirements.QemuAndImage();
        using var lab = new LabCli();
        var report = lab.Report("interrupted");
        var hostResult = Path.Combine(report, "runs", "host", "result.json");

        using (var p = lab.Start("run", "worker-pool", "--report", report))
        {
            var stdout = p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var stderr = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            var clock = Stopwatch.StartNew();
            while (!File.Exists(hostResult) && clock.Elapsed < TimeSpan.FromMinutes(5))
            {
                await Task.Delay(200, TestContext.Current.CancellationToken);
            }

            Assert.True(File.Exists(hostResult), "the host world did not finish");
            while (!LabCli.LeftoverProcesses().Any(l => l.Contains("qemu-system", StringComparison.Ordinal)) && clock.Elapsed < TimeSpan.FromMinutes(5))
            {
                await Task.Delay(200, TestContext.Current.CancellationToken);
            }

            await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken); // the VM world is booting or running
            Assert.Contains(LabCli.LeftoverProcesses(), l => l.Contains("qemu-system", StringComparison.Ordinal));
            Process.Start("/bin/kill", ["-s", "INT", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            await p.WaitForExitAsync(TestContext.Current.CancellationToken);

            Assert.True(p.ExitCode == 130, $"exit {p.ExitCode}: {await stdout}\n{await stderr}");
            Assert.Contains("interrupted", await stderr);
        }

        Assert.Empty(LabCli.LeftoverProcesses());
        Assert.False(File.Exists(Path.Combine(report, "runs", "vm-max-1v2-256m-auto", "result.json")));
        var hostBefore = await File.ReadAllTextAsync(hostResult, TestContext.Current.CancellationToken);

        var r = await lab.RunAsync(TimeSpan.FromMinutes(10), "run", "worker-pool", "--resume", report);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("kept", r.Stdout);
        Assert.Equal(hostBefore, await File.ReadAllTextAsync(hostResult, TestContext.Current.CancellationToken));
        var results = LabCli.Results(report);
        Assert.Equal("Passed", LabCli.World(results, "host")["verdict"]!.GetValue<string>());
        Assert.Equal("Failed", LabCli.World(results, "vm-max-1v2-256m-auto")["verdict"]!.GetValue<string>());
        Assert.Empty(LabCli.LeftoverProcesses());
    }
}
