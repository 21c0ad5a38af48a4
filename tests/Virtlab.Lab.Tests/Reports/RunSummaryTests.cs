using Virtlab.Lab.Reports;
using Virtlab.Lab.Results;

namespace Virtlab.Lab.Tests.Reports;

/// <summary>The report's one-line answer.</summary>
public sealed class RunSummaryTests
{
    private static readonly LabRun Run = SampleRuns.WorkerPool();

    [Fact]
    public void Given_the_sample_run_then_the_host_is_named_and_vm_failures_are_counted_per_check()
    {
        Assert.Equal(
            "host passed; 1 of 4 VM worlds failed 'pool follows the CPUs', 1 of 4 failed 'heartbeat', 1 of 4 failed 'service answers'; 1 of 4 could not be run",
            RunSummary.Of(Run));
    }

    [Fact]
    public void Given_every_world_passed_then_it_says_so()
    {
        var run = Run with { Worlds = [Run.Worlds[0], Run.Worlds[3], Run.Worlds[3] with { Id = "vm-b" }] };

        Assert.Equal("host passed; all 2 VM worlds passed", RunSummary.Of(run));
    }

    [Fact]
    public void Given_the_same_check_failing_in_two_vm_worlds_then_they_are_counted_together()
    {
        var run = Run with { Worlds = [Run.Worlds[0], Run.Worlds[1], Run.Worlds[1] with { Id = "vm-b" }, Run.Worlds[3]] };

        Assert.Equal("host passed; 2 of 3 VM worlds failed 'pool follows the CPUs'", RunSummary.Of(run));
    }
}
