using System.Text;
using System.Text.Json;
using System.Xml;
using Virtlab.Lab.Reports.Html;
using Virtlab.Lab.Reports.JUnit;
using Virtlab.Lab.Results;

namespace Virtlab.Lab.Reports;

/// <summary>Writes a run's reports into its report directory and returns their paths, in the order to list them:
/// report.html (for people), junit.xml (for CI), results.json (the <see cref="LabRun"/> itself).</summary>
internal static class ReportWriter
{
    public static async Task<IReadOnlyList<string>> WriteAsync(LabRun run, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var html = Path.Combine(directory, "report.html");
        var junit = Path.Combine(directory, "junit.xml");
        var json = Path.Combine(directory, "results.json");
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

        await File.WriteAllTextAsync(html, HtmlReport.Render(run), utf8, cancellationToken).ConfigureAwait(false);

        var settings = new XmlWriterSettings { Async = true, Indent = true, Encoding = utf8 };
        await using (var stream = File.Create(junit))
        await using (var writer = XmlWriter.Create(stream, settings))
        {
            await JUnitReport.Build(run).SaveAsync(writer, cancellationToken).ConfigureAwait(false);
        }

        await File.WriteAllTextAsync(json, JsonSerializer.Serialize(run, LabJsonContext.Default.LabRun), utf8, cancellationToken).ConfigureAwait(false);
        return [html, junit, json];
    }
}
