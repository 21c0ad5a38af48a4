using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Virtlab.Lab.Scenarios;

/// <summary>Reads the scenario's <c>app:</c> section.</summary>
internal static partial class AppReader
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private static readonly string[] Keys = ["build", "files", "run", "timeout", "ready", "env"];

    /// <summary>The application, or null when the section has problems (they are in <paramref name="y"/>).</summary>
    /// <param name="timeout">app.timeout when it is valid (events are checked against it), else null.</param>
    public static AppSpec? Read(ScenarioYaml y, YamlNode node, string directory, out TimeSpan? timeout)
    {
        timeout = null;
        var before = y.Problems.Count;
        if (y.Map(node, "app", Keys) is not { } map)
        {
            return null;
        }

        var run = Run(y, map);
        var files = Files(y, map, directory);
        var build = y.String(map, "build");
        timeout = map.Given("timeout") is null ? DefaultTimeout : y.Duration(map, "timeout", positive: true);
        var ready = y.Regex(map, "ready");
        var env = Env(y, map);
        return y.Problems.Count == before && run is not null && timeout is { } t
            ? new AppSpec(run, files, build, t, ready, env)
            : null;
    }

    private static IReadOnlyList<string>? Run(ScenarioYaml y, YamlMap map)
    {
        if (y.Field(map, "run", required: true) is not { } node)
        {
            return null;
        }

        IReadOnlyList<string>? argv;
        if (node is YamlSequenceNode)
        {
            var items = y.Sequence(node, "app.run") ?? [];
            var words = items.Select(i => y.String(i.Node, i.Path)).ToList();
            argv = words.Any(w => w is null) ? null : words.Select(w => w!).ToList();
        }
        else if (y.String(node, "app.run") is { } line)
        {
            try
            {
                argv = ArgvSplitter.Split(line);
            }
            catch (FormatException e)
            {
                y.Problem(node, "app.run", e.Message);
                return null;
            }
        }
        else
        {
            return null;
        }

        if (argv is { Count: 0 })
        {
            y.Problem(node, "app.run", "the command is empty: give the program and its arguments");
            return null;
        }

        return argv;
    }

    private static IReadOnlyList<AppFile> Files(ScenarioYaml y, YamlMap map, string directory)
    {
        var files = new List<AppFile>();
        if (y.Field(map, "files") is not { } node || y.Sequence(node, "app.files") is not { } items)
        {
            return files;
        }

        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (item, path) in items)
        {
            if (y.String(item, path) is not { } text)
            {
                continue;
            }

            var source = Path.GetFullPath(Path.Combine(directory, text.Trim()));
            var name = Path.GetFileName(source);
            if (text.Trim().Length == 0 || text.TrimEnd().EndsWith('/') || name.Length == 0)
            {
                y.Problem(item, path, $"'{text}' is not a file: list the files themselves");
                continue;
            }

            if (!names.TryAdd(name, path))
            {
                y.Problem(item, path, $"'{name}' is already copied by {names[name]}: two files cannot have the same name in the run directory");
                continue;
            }

            files.Add(new AppFile(source, name));
        }

        return files;
    }

    private static IReadOnlyDictionary<string, string> Env(ScenarioYaml y, YamlMap map)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        if (y.Field(map, "env") is not { } node)
        {
            return env;
        }

        if (node is not YamlMappingNode mapping)
        {
            y.Problem(node, "app.env", $"expected a mapping of NAME: value, found {ScenarioYaml.Describe(node)}");
            return env;
        }

        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } name } || !EnvName().IsMatch(name))
            {
                y.Problem(keyNode, "app.env", $"{ScenarioYaml.Describe(keyNode)} is not a variable name: letters, digits and _, not starting with a digit");
                continue;
            }

            var path = $"app.env.{name}";
            if (valueNode is YamlScalarNode { Value: { } value } && !YamlMap.IsNull(valueNode))
            {
                env[name] = value;
            }
            else if (YamlMap.IsNull(valueNode))
            {
                env[name] = string.Empty;
            }
            else
            {
                y.Problem(valueNode, path, $"expected a string, found {ScenarioYaml.Describe(valueNode)}");
            }
        }

        return env;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvName();
}
