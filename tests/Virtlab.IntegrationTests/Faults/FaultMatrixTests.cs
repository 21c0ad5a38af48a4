using Virtlab.IntegrationTests.Infrastructure;

namespace Virtlab.IntegrationTests.Faults;

/// <summary>
/// The fault matrix (`make faults`, not `make test`): every operation × every fault, one column per test case, each on
/// fresh hosts. Explicit: it runs only when asked for (xUnit.Explicit=only). VIRTLAB_FAULT_OPS=Create,Start,... runs
/// only those rows.
/// </summary>
public sealed class FaultMatrixTests
{
    public static TheoryData<FaultKind> Faults => new(Enum.GetValues<FaultKind>());

    [Theory(Explicit = true)]
    [MemberData(nameof(Faults))]
    public async Task Every_operation_survives_the_fault(FaultKind fault)
    {
        Requirements.QemuAndImage();
        var rows = Environment.GetEnvironmentVariable("VIRTLAB_FAULT_OPS") is { Length: > 0 } only
            ? only.Split(',').Select(Enum.Parse<FaultOperation>).ToList()
            : [.. Enum.GetValues<FaultOperation>()];
        var results = new List<FaultCellResult>();
        await using (var bench = await FaultBench.StartAsync(tmpfsHome: fault == FaultKind.DiskFull))
        {
            var cell = new FaultCell(bench, fault);
            foreach (var op in rows)
            {
                var r = await cell.RunAsync(op);
                results.Add(r);
                TestContext.Current.SendDiagnosticMessage($"{FaultNames.Of(op)} × {FaultNames.Of(fault)}: {r.Verdict} {r.Note}");
                FaultReport.Save(fault, results);
            }
        }

        var failed = results.Where(r => r.Failed).ToList();
        Assert.True(failed.Count == 0, string.Join('\n', failed.Select(r => $"{FaultNames.Of(r.Operation)}: {r.Note}")));
    }
}
