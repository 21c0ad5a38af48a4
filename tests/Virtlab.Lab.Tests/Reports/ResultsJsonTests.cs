using System.Text.Json;
using Virtlab.Lab.Results;

namespace Virtlab.Lab.Tests.Reports;

/// <summary>results.json is the whole LabRun, and reading it back gives the same run.</summary>
public sealed class ResultsJsonTests
{
    [Fact]
    public async Task Given_the_written_results_json_when_read_back_then_it_is_the_same_run()
    {
        var run = SampleRuns.WorkerPool();
        var (_, files) = await ReportDirectory.WriteAsync(run);
        var json = await File.ReadAllTextAsync(files.Single(f => f.EndsWith("results.json", StringComparison.Ordinal)), TestContext.Current.CancellationToken);

        var back = JsonSerializer.Deserialize(json, LabJsonContext.Default.LabRun)!;

        Assert.Equal(json, JsonSerializer.Serialize(back, LabJsonContext.Default.LabRun));
        Assert.Equal(run.Worlds.Select(w => (w.Id, w.Verdict)), back.Worlds.Select(w => (w.Id, w.Verdict)));
        Assert.Equal(run.Worlds[3].Migrations[0].Samples, back.Worlds[3].Migrations[0].Samples);
        Assert.Equal(run.Worlds[2].Samples, back.Worlds[2].Samples);
        Assert.Equal(run.Worlds[1].Checks, back.Worlds[1].Checks);
        Assert.Contains("\"verdict\": \"Failed\"", json, StringComparison.Ordinal);
    }
}
