using Virtlab.IntegrationTests.Infrastructure;

namespace Virtlab.IntegrationTests.Faults;

/// <summary>
/// The share of the fault matrix that `make test` runs: the cells whose failure was a Virtlab bug, each a regression
/// test for its fix (docs/RELIABILITY.md). The whole matrix is `make faults`.
/// </summary>
public sealed class FaultCellTests
{
    [Fact]
    public async Task A_daemon_killed_while_create_starts_qemu_leaves_a_vm_the_next_daemon_lists_running_not_an_unlisted_qemu()
    {
        await AssertCellPassesAsync(FaultOperation.Create, FaultKind.DaemonKilled);
    }

    [Fact]
    public async Task A_start_while_state_db_is_locked_fails_saying_so_and_leaves_no_qemu_running_unrecorded()
    {
        await AssertCellPassesAsync(FaultOperation.Start, FaultKind.DatabaseLocked);
    }

    private static async Task AssertCellPassesAsync(FaultOperation op, FaultKind fault)
    {
        Requirements.QemuAndImage();
        await using var bench = await FaultBench.StartAsync(tmpfsHome: fault == FaultKind.DiskFull);

        var cell = await new FaultCell(bench, fault).RunAsync(op);

        Assert.True(cell.Verdict == "pass", $"{FaultNames.Of(op)} × {FaultNames.Of(fault)}: {cell.Verdict} {cell.Note}");
    }
}
