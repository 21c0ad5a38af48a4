using System.Text.Json;
using Virtlab.Lab.Results;

namespace Virtlab.Lab.Reports;

/// <summary>Writes a run's reports into its report directory and returns their paths, in the order to list them.</summary>
internal static class ReportWriter
{
    public static async Task<IReadOnlyList<string>> WriteAsync(LabRun run, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var json = Path.Combine(directory, "results.json");
        await File.WriteAllTextAsync(json, JsonSerializer.Serialize(run, LabJsonContext.Default.LabRun), cancellationToken).ConfigureAwait(false);
        return [json];
    }
}
