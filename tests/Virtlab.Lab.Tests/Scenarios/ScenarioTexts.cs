using Virtlab.Lab.Scenarios;

namespace Virtlab.Lab.Tests.Scenarios;

/// <summary>Scenario texts for the reader's tests: docs/LAB.md's example (read from the page, so the page stays true) and a smallest valid one.</summary>
internal static class ScenarioTexts
{
    /// <summary>The smallest valid scenario; the bad snippets are variations of it.</summary>
    public const string Minimal = """
        name: t
        app:
          run: ./a
        checks:
          - exit: 0
        """;

    /// <summary>The first yaml block of docs/LAB.md.</summary>
    public static string FromDocs()
    {
        var page = File.ReadAllText(Path.Combine(RepoRoot, "docs", "LAB.md"));
        var start = page.IndexOf("```yaml\n", StringComparison.Ordinal) + "```yaml\n".Length;
        var end = page.IndexOf("```", start, StringComparison.Ordinal);
        return page[start..end];
    }

    /// <summary>A scratch directory under the test output.</summary>
    public static string TempDirectory()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "scenario-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>The problems <paramref name="yaml"/> gives (none: an empty list).</summary>
    public static IReadOnlyList<ScenarioProblem> Problems(string yaml, string path = "/lab/s.yaml")
    {
        try
        {
            ScenarioReader.Parse(yaml, path);
            return [];
        }
        catch (ScenarioException e)
        {
            return e.Problems;
        }
    }

    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Virtlab.slnx")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("no Virtlab.slnx above the test's directory");
        }
    }
}
