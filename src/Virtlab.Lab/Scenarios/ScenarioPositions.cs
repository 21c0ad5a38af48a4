using YamlDotNet.RepresentationModel;

namespace Virtlab.Lab.Scenarios;

/// <summary>
/// Where each value of a scenario was written, by key path ("app.files[0]", "worlds.vm.cpu[1]"), so that checks made
/// after reading (files that must exist, CPU models the daemon knows) name the line.
/// </summary>
public sealed class ScenarioPositions
{
    private readonly Dictionary<string, (int Line, int Column)> positions;

    private ScenarioPositions(Dictionary<string, (int Line, int Column)> positions) => this.positions = positions;

    /// <summary>No positions: every key is at 1:1.</summary>
    public static ScenarioPositions Empty { get; } = new([]);

    /// <summary>Whether the key was written in the scenario.</summary>
    public bool Has(string key) => positions.ContainsKey(key);

    /// <summary>The line and column of the key's value; for a key not written, of the nearest enclosing one (else 1:1).</summary>
    public (int Line, int Column) Of(string key)
    {
        for (var k = key; k.Length > 0; k = Parent(k))
        {
            if (positions.TryGetValue(k, out var at))
            {
                return at;
            }
        }

        return (1, 1);
    }

    internal static ScenarioPositions Of(YamlNode root)
    {
        var positions = new Dictionary<string, (int Line, int Column)>(StringComparer.Ordinal);
        Walk(root, string.Empty, positions, 0);
        return new ScenarioPositions(positions);
    }

    private static void Walk(YamlNode node, string path, Dictionary<string, (int Line, int Column)> positions, int depth)
    {
        if (path.Length > 0)
        {
            positions.TryAdd(path, ((int)node.Start.Line, (int)node.Start.Column));
        }

        if (depth > 32)
        {
            return;
        }

        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                {
                    if (key is YamlScalarNode { Value: { } name })
                    {
                        Walk(value, YamlMap.Join(path, name), positions, depth + 1);
                    }
                }

                break;
            case YamlSequenceNode seq:
                for (var i = 0; i < seq.Children.Count; i++)
                {
                    Walk(seq.Children[i], $"{path}[{i}]", positions, depth + 1);
                }

                break;
        }
    }

    private static string Parent(string key)
    {
        var cut = Math.Max(key.LastIndexOf('.'), key.LastIndexOf('['));
        return cut <= 0 ? string.Empty : key[..cut];
    }
}
