using System.Globalization;
using System.Text;
using System.Text.Json;
using Virtlab.IntegrationTests.Infrastructure;

namespace Virtlab.IntegrationTests.Faults;

/// <summary>
/// The fault matrix's results: each column (fault) is saved as it runs to $VIRTLAB_FAULTS_DIR/COLUMN.json (default
/// .build/faults), and .build/faults-report.md is written from every column present: operations × faults.
/// </summary>
public static class FaultReport
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static string Dir => Environment.GetEnvironmentVariable("VIRTLAB_FAULTS_DIR") is { Length: > 0 } d ? d : Path.Combine(Requirements.RepoRoot, ".build", "faults");

    public static string ReportPath => Environment.GetEnvironmentVariable("VIRTLAB_FAULTS_REPORT") is { Length: > 0 } p ? p : Path.Combine(Requirements.RepoRoot, ".build", "faults-report.md");

    public static void Save(FaultKind fault, IReadOnlyList<FaultCellResult> column)
    {
        Directory.CreateDirectory(Dir);
        var file = Path.Combine(Dir, fault + ".json");

        // A run of some rows (VIRTLAB_FAULT_OPS) replaces those rows and keeps the others of an earlier run.
        var kept = File.Exists(file) ? JsonSerializer.Deserialize<List<FaultCellResult>>(File.ReadAllText(file), Json) ?? [] : [];
        var merged = kept.Where(k => column.All(c => c.Operation != k.Operation)).Concat(column).OrderBy(c => c.Operation).ToList();
        File.WriteAllText(file, JsonSerializer.Serialize(merged, Json));
        Write();
    }

    public static void Write()
    {
        var cells = new List<FaultCellResult>();
        foreach (var fault in Enum.GetValues<FaultKind>())
        {
            var file = Path.Combine(Dir, fault + ".json");
            if (File.Exists(file))
            {
                cells.AddRange(JsonSerializer.Deserialize<List<FaultCellResult>>(File.ReadAllText(file), Json) ?? []);
            }
        }

        var faults = Enum.GetValues<FaultKind>().Where(f => cells.Any(c => c.Fault == f)).ToList();
        var sb = new StringBuilder();
        var run = cells.Where(c => c.Verdict != "n/a").ToList();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine("# Fault matrix");
        sb.AppendLine();
        sb.AppendLine(inv, $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. Every fault is injected on host A; host B is a healthy peer (the other end of the migrations); ");
        sb.AppendLine("a second VM on A (the witness) must answer dominfo and guest-ping while the operation runs with the fault on and after it.");
        sb.AppendLine("A cell passes when (a) the witness answered, (b) the VM's state, once the fault is lifted and the hosts settle, matches the QEMU ");
        sb.AppendLine("processes that really run (never listed running with its QEMU gone, never two live copies, never an unlisted QEMU, never a lost definition) ");
        sb.AppendLine("and the obvious next command (guest-ping, resume or start) works, and (c) a failed command printed one line that says what happened.");
        sb.AppendLine();
        sb.AppendLine(inv, $"**{run.Count} cells run, {run.Count(c => c.Verdict == "pass")} pass, {run.Count(c => c.Failed)} FAIL, {cells.Count - run.Count} n/a; {cells.Sum(c => c.Seconds):0} s in the cells.**");
        sb.AppendLine();
        sb.Append("| operation |");
        foreach (var f in faults)
        {
            sb.Append(' ').Append(FaultNames.Of(f)).Append(" |");
        }

        sb.AppendLine();
        sb.Append("|---|").AppendLine(string.Concat(faults.Select(_ => "---|")));
        foreach (var op in Enum.GetValues<FaultOperation>())
        {
            sb.Append("| ").Append(FaultNames.Of(op)).Append(" |");
            foreach (var f in faults)
            {
                var c = cells.FirstOrDefault(x => x.Operation == op && x.Fault == f);
                sb.Append(' ').Append(c is null ? "not run" : $"**{c.Verdict}** {c.Note.Replace("|", "\\|", StringComparison.Ordinal)} ({c.Seconds:0} s)").Append(" |");
            }

            sb.AppendLine();
        }

        Directory.CreateDirectory(Path.GetDirectoryName(ReportPath)!);
        File.WriteAllText(ReportPath, sb.ToString());
    }
}
