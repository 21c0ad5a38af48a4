using Virtlab.Lab.Scenarios;

namespace Virtlab.Lab.Examples;

/// <summary>One built-in example: lab/examples/NAME/scenario.yaml, shipped beside the lab program.</summary>
internal sealed record Example(string Name, string ScenarioPath);

/// <summary>
/// The built-in example applications (<c>virtlab lab examples</c>), and the resolution of a <c>lab run</c> argument:
/// a scenario file, a directory holding scenario.yaml, or an example's name.
/// </summary>
internal static class ExampleCatalog
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "examples");

    public static IReadOnlyList<Example> All() =>
        !System.IO.Directory.Exists(Directory)
            ? []
            : System.IO.Directory.GetDirectories(Directory)
                .Select(d => new Example(Path.GetFileName(d), Path.Combine(d, "scenario.yaml")))
                .Where(e => File.Exists(e.ScenarioPath))
                .OrderBy(e => e.Name, StringComparer.Ordinal)
                .ToList();

    /// <summary>The scenario file <paramref name="argument"/> names.</summary>
    /// <exception cref="ScenarioException">Neither a file, a directory with scenario.yaml, nor an example.</exception>
    public static string Resolve(string argument)
    {
        if (File.Exists(argument))
        {
            return Path.GetFullPath(argument);
        }

        var inDir = Path.Combine(argument, "scenario.yaml");
        if (File.Exists(inDir))
        {
            return Path.GetFullPath(inDir);
        }

        if (All().FirstOrDefault(e => e.Name == argument) is { } example)
        {
            return example.ScenarioPath;
        }

        var names = string.Join(", ", All().Select(e => e.Name));
        throw new ScenarioException([new ScenarioProblem(argument, 0, 0, "scenario",
            $"no such scenario file, directory with a scenario.yaml, or built-in example (the examples: {(names.Length == 0 ? "none found" : names)}; 'virtlab lab examples' lists them)")]);
    }
}
