using Virtlab.Lab.Results;

namespace Virtlab.Lab.Reports;

/// <summary>How a verdict shows: a CSS class, a symbol and a word (never colour alone), the same in every section.</summary>
internal sealed record VerdictLook(string CssClass, string Symbol, string Word)
{
    public static readonly VerdictLook Passed = new("pass", "✓", "passed");
    public static readonly VerdictLook Failed = new("fail", "✗", "failed");
    public static readonly VerdictLook Error = new("error", "!", "error");
    public static readonly VerdictLook Skipped = new("skip", "–", "skipped");

    /// <summary>A check the world has no result for (the lab could not run the world).</summary>
    public static readonly VerdictLook NotRun = new("none", "·", "not run");

    public static IReadOnlyList<VerdictLook> All { get; } = [Passed, Failed, Error, Skipped, NotRun];

    public string Label => $"{Symbol} {Word}";

    public static VerdictLook Of(Verdict verdict) => verdict switch
    {
        Verdict.Passed => Passed,
        Verdict.Failed => Failed,
        Verdict.Error => Error,
        _ => Skipped,
    };
}
