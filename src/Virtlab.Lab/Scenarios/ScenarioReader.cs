using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Virtlab.Lab.Scenarios;

/// <summary>
/// Reads a scenario file (docs/LAB.md, "A scenario") into a <see cref="Scenario"/>, or throws a
/// <see cref="ScenarioException"/> listing every problem at once, each as <c>FILE:LINE:COLUMN: KEY: message</c>.
/// What needs this machine or the daemon (application files, CPU models) is checked separately, by
/// <see cref="CheckFiles"/> and <see cref="CheckCpuModels"/>.
/// </summary>
public static partial class ScenarioReader
{
    private static readonly string[] Keys = ["name", "description", "expect", "app", "checks", "worlds", "hosts", "events", "downtime"];

    /// <summary>CPU models every lab host takes whatever its list says.</summary>
    private static readonly string[] AlwaysKnownCpus = ["max", "host"];

    /// <summary>Reads and parses <paramref name="path"/>.</summary>
    public static Scenario Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ScenarioException([new ScenarioProblem(path, 1, 1, "file", $"cannot be read: {e.Message}")]);
        }

        return Parse(text, path);
    }

    /// <summary>Parses scenario text; <paramref name="sourcePath"/> names it in problems and resolves relative files.</summary>
    public static Scenario Parse(string yaml, string sourcePath)
    {
        var y = new ScenarioYaml(sourcePath);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new ScenarioException([new ScenarioProblem(sourcePath, (int)e.Start.Line, (int)e.Start.Column, "yaml", SyntaxMessage(e))]);
        }

        if (stream.Documents.Count == 0 || YamlMap.IsNull(stream.Documents[0].RootNode))
        {
            throw new ScenarioException([new ScenarioProblem(sourcePath, 1, 1, "name", "the file is empty: a scenario needs at least name, app and checks")]);
        }

        if (stream.Documents.Count > 1)
        {
            y.Problem(stream.Documents[1].RootNode, "yaml", "one scenario per file: this file has a second document (after ---)");
        }

        var root = stream.Documents[0].RootNode;
        if (root is not YamlMappingNode)
        {
            y.Problem(root, "yaml", $"a scenario is a mapping (name:, app:, checks:, ...), this file is {ScenarioYaml.Describe(root)}");
            throw new ScenarioException(y.Sorted());
        }

        if (y.Map(root, string.Empty, Keys) is not { } map)
        {
            throw new ScenarioException(y.Sorted());
        }

        var fullPath = Path.GetFullPath(sourcePath);
        var name = y.String(map, "name", required: true);
        if (name is { } n && n.Trim().Length == 0)
        {
            y.Problem(map.Value("name")!, "name", "the name cannot be empty");
        }

        var hosts = map.Given("hosts") is null ? 1 : y.Int(map, "hosts", 1, 2);
        TimeSpan? timeout = null;
        var app = y.Field(map, "app", required: true) is { } appNode
            ? AppReader.Read(y, appNode, Path.GetDirectoryName(fullPath)!, out timeout)
            : null;
        var checks = y.Field(map, "checks", required: true) is { } checksNode ? CheckReader.Read(y, checksNode) : [];
        var worlds = WorldsReader.Read(y, map.Given("worlds"), root);
        var events = map.Given("events") is { } eventsNode ? EventReader.Read(y, eventsNode, timeout, hosts) : [];
        var downtime = map.Given("downtime") is { } downtimeNode ? DowntimeReader.Read(y, downtimeNode, worlds, timeout) : null;

        if (y.Problems.Count > 0)
        {
            throw new ScenarioException(y.Sorted());
        }

        return new Scenario(name!.Trim(), y.String(map, "description"), y.String(map, "expect"), fullPath, app!, checks, worlds, events, hosts!.Value, downtime)
        {
            Positions = ScenarioPositions.Of(root),
        };
    }

    /// <summary>
    /// Every application file must exist on this machine. Before the build (<paramref name="afterBuild"/> false) a
    /// scenario with <c>app.build</c> is not checked: the build may make its files; after it, always.
    /// </summary>
    public static void CheckFiles(Scenario s, bool afterBuild = false)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (s.App.Build is not null && !afterBuild)
        {
            return;
        }

        var problems = new List<ScenarioProblem>();
        for (var i = 0; i < s.App.Files.Count; i++)
        {
            var file = s.App.Files[i];
            if (File.Exists(file.Source))
            {
                continue;
            }

            var why = Directory.Exists(file.Source)
                ? $"{file.Source} is a directory: list the files in it"
                : $"{file.Source} does not exist" + (s.App.Build is not null ? " (app.build did not make it)" : string.Empty);
            problems.Add(At(s, $"app.files[{i}]", why));
        }

        if (problems.Count > 0)
        {
            throw new ScenarioException(problems);
        }
    }

    /// <summary>
    /// Every CPU model the scenario names (worlds.vm.cpu, include rows, downtime.world) must be one of
    /// <paramref name="known"/> (the lab host's <c>cpu-models</c>; case-insensitive), or max or host.
    /// </summary>
    public static void CheckCpuModels(Scenario s, IReadOnlyCollection<string> known)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(known);
        var names = new HashSet<string>(known.Concat(AlwaysKnownCpus), StringComparer.OrdinalIgnoreCase);
        var named = new List<(string Cpu, string Key)>();
        named.AddRange(s.Worlds.Cpu.Select((cpu, i) => (cpu, $"worlds.vm.cpu[{i}]")));
        for (var i = 0; i < s.Worlds.Include.Count; i++)
        {
            if (s.Worlds.Include[i].TryGetValue(WorldAxes.Cpu, out var cpu))
            {
                named.Add((cpu, $"worlds.vm.include[{i}].cpu"));
            }
        }

        if (s.Downtime?.World?.Cpu is { } downtimeCpu && s.Positions.Has("downtime.world.cpu"))
        {
            named.Add((downtimeCpu, "downtime.world.cpu"));
        }

        var problems = new List<ScenarioProblem>();
        foreach (var (cpu, key) in named)
        {
            var model = cpu.Split(',')[0].Trim();
            if (names.Contains(model))
            {
                continue;
            }

            var close = CpuModelSuggestions.Closest(model, known);
            var hint = close.Count > 0 ? $"; close: {string.Join(", ", close)}" : string.Empty;
            problems.Add(At(s, key, $"'{model}' is not a CPU model of this lab host{hint} (see 'virtlab cpu-models')"));
        }

        if (problems.Count > 0)
        {
            throw new ScenarioException(problems);
        }
    }

    private static ScenarioProblem At(Scenario s, string key, string message)
    {
        var (line, column) = s.Positions.Of(key);
        return new ScenarioProblem(s.SourcePath, line, column, key, message);
    }

    /// <summary>YamlDotNet's message without its own "(Line: 3, Col: 5, Idx: 20) - (...): " prefix: the problem says where.</summary>
    private static string SyntaxMessage(YamlException e) =>
        $"not valid YAML: {PositionPrefix().Replace(e.Message, string.Empty)}";

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*")]
    private static partial Regex PositionPrefix();
}
