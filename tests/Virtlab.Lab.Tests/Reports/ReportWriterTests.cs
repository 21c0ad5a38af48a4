namespace Virtlab.Lab.Tests.Reports;

/// <summary>What 'virtlab lab run --report DIR' leaves in DIR.</summary>
public sealed class ReportWriterTests
{
    [Fact]
    public async Task Given_a_run_when_the_reports_are_written_then_report_html_junit_xml_and_results_json_are_there_in_that_order()
    {
        var (directory, files) = await ReportDirectory.WriteAsync(SampleRuns.WorkerPool());

        Assert.Equal(new[] { "report.html", "junit.xml", "results.json" }.Select(f => Path.Combine(directory, f)), files);
        Assert.All(files, f => Assert.True(new FileInfo(f).Length > 1000, $"{f} is nearly empty"));
        Assert.StartsWith("<!DOCTYPE html>", await File.ReadAllTextAsync(files[0], TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}
