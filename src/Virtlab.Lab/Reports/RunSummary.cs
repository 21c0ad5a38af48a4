using Virtlab.Lab.Results;

namespace Virtlab.Lab.Reports;

/// <summary>
/// The report's one-line answer: "host passed; 1 of 4 VM worlds failed 'pool follows the CPUs', 1 of 4 failed
/// 'heartbeat'; 1 of 4 could not be run". Host worlds are named, VM worlds counted per failed check.
/// </summary>
internal static class RunSummary
{
    public static string Of(LabRun run)
    {
        var parts = new List<string>();
        foreach (var host in run.Worlds.Where(IsHost))
        {
            parts.Add(host.Verdict switch
            {
                Verdict.Failed => $"{host.Id} failed {Quoted(FailedChecks(host))}",
                Verdict.Error => $"{host.Id} could not be run",
                _ => $"{host.Id} {VerdictLook.Of(host.Verdict).Word}",
            });
        }

        var vms = run.Worlds.Where(w => !IsHost(w)).ToList();
        if (vms.Count > 0)
        {
            parts.AddRange(VmParts(run, vms));
        }

        return parts.Count == 0 ? "no worlds ran" : string.Join("; ", parts);
    }

    public static bool IsHost(WorldRun world) => string.Equals(world.Kind, "host", StringComparison.OrdinalIgnoreCase);

    private static IEnumerable<string> VmParts(LabRun run, List<WorldRun> vms)
    {
        var n = vms.Count;
        var noun = n == 1 ? "VM world" : "VM worlds";
        var passed = vms.Count(w => w.Verdict == Verdict.Passed);
        var errors = vms.Count(w => w.Verdict == Verdict.Error);
        var skipped = vms.Count(w => w.Verdict == Verdict.Skipped);
        if (passed == n)
        {
            yield return n == 1 ? "the VM world passed" : $"all {n} VM worlds passed";
            yield break;
        }

        var failures = CheckOrder(run, vms)
            .Select(check => (check, count: vms.Count(w => w.Checks.Any(c => c.Name == check && c.Verdict == Verdict.Failed))))
            .Where(x => x.count > 0)
            .Select((x, i) => i == 0 ? $"{x.count} of {n} {noun} failed '{x.check}'" : $"{x.count} of {n} failed '{x.check}'")
            .ToList();
        if (failures.Count > 0)
        {
            yield return string.Join(", ", failures);
        }
        else if (passed > 0)
        {
            yield return $"{passed} of {n} {noun} passed";
        }

        if (errors > 0)
        {
            yield return failures.Count > 0 || passed > 0 ? $"{errors} of {n} could not be run" : $"{errors} of {n} {noun} could not be run";
        }

        if (skipped > 0)
        {
            yield return $"{skipped} of {n} skipped";
        }
    }

    /// <summary>The scenario's checks first, then any name a world reported that the scenario did not list.</summary>
    private static IEnumerable<string> CheckOrder(LabRun run, List<WorldRun> worlds) =>
        run.Checks.Concat(worlds.SelectMany(w => w.Checks.Select(c => c.Name))).Distinct(StringComparer.Ordinal);

    private static IEnumerable<string> FailedChecks(WorldRun world) =>
        world.Checks.Where(c => c.Verdict == Verdict.Failed).Select(c => c.Name);

    private static string Quoted(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));
}
