using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Virtlab.Lab.Scenarios;

/// <summary>
/// Reading one scenario document: typed values from its nodes, and every problem found on the way, each where it was
/// written. A reader that finds a problem records it and carries on, so that all of them are reported at once.
/// </summary>
internal sealed class ScenarioYaml(string file)
{
    public string File { get; } = file;

    public List<ScenarioProblem> Problems { get; } = [];

    public void Problem(Mark mark, string key, string message) =>
        Problems.Add(new ScenarioProblem(File, (int)mark.Line, (int)mark.Column, key, message));

    public void Problem(YamlNode node, string key, string message) => Problem(node.Start, key, message);

    /// <summary>The problems, in the order they are written in the file.</summary>
    public IReadOnlyList<ScenarioProblem> Sorted() => [.. Problems.OrderBy(p => p.Line).ThenBy(p => p.Column)];

    /// <summary>A mapping whose keys are all in <paramref name="allowed"/>; each other key is a problem naming the allowed ones.</summary>
    public YamlMap? Map(YamlNode node, string path, IReadOnlyCollection<string> allowed, string? unknownHint = null)
    {
        if (node is not YamlMappingNode mapping)
        {
            Problem(node, path, $"expected a mapping (key: value), found {Describe(node)}");
            return null;
        }

        foreach (var key in mapping.Children.Keys)
        {
            if (key is not YamlScalarNode { Value: { Length: > 0 } name })
            {
                Problem(key, path, "a key must be a plain name");
            }
            else if (!allowed.Contains(name))
            {
                Problem(key, YamlMap.Join(path, name), unknownHint ?? $"unknown key: the keys here are {string.Join(", ", allowed)}");
            }
        }

        return new YamlMap(mapping, path);
    }

    /// <summary>The items of a list, each with its path ("checks[0]").</summary>
    public IReadOnlyList<(YamlNode Node, string Path)>? Sequence(YamlNode node, string path)
    {
        if (node is not YamlSequenceNode sequence)
        {
            Problem(node, path, $"expected a list, found {Describe(node)}");
            return null;
        }

        return [.. sequence.Children.Select((n, i) => (n, $"{path}[{i}]"))];
    }

    /// <summary>The text of a scalar; anything else is a problem.</summary>
    public string? Scalar(YamlNode node, string path, string what)
    {
        if (node is YamlScalarNode { Value: { } value } && !YamlMap.IsNull(node))
        {
            return value;
        }

        Problem(node, path, $"expected {what}, found {Describe(node)}");
        return null;
    }

    public string? String(YamlNode node, string path) => Scalar(node, path, "a string");

    public int? Int(YamlNode node, string path, int min, int max)
    {
        if (Scalar(node, path, "a whole number") is not { } text)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
        {
            return n;
        }

        Problem(node, path, $"'{text}' is not a whole number from {min} to {max}");
        return null;
    }

    public double? Number(YamlNode node, string path)
    {
        if (Scalar(node, path, "a number") is not { } text)
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
        {
            return d;
        }

        Problem(node, path, $"'{text}' is not a number");
        return null;
    }

    public bool? Bool(YamlNode node, string path)
    {
        if (Scalar(node, path, "true or false") is not { } text)
        {
            return null;
        }

        if (bool.TryParse(text, out var b))
        {
            return b;
        }

        Problem(node, path, $"'{text}' is not true or false");
        return null;
    }

    /// <summary>A duration (<see cref="LabDurations"/>); <paramref name="positive"/> refuses zero.</summary>
    public TimeSpan? Duration(YamlNode node, string path, bool signed = false, bool positive = false)
    {
        if (Scalar(node, path, "a duration") is not { } text)
        {
            return null;
        }

        if (!LabDurations.TryParse(text, signed, out var d, out var error))
        {
            Problem(node, path, error);
            return null;
        }

        if (positive && d <= TimeSpan.Zero)
        {
            Problem(node, path, $"'{text}' must be longer than zero");
            return null;
        }

        return d;
    }

    /// <summary>A size (<see cref="LabSizes"/>), kept as written.</summary>
    public string? Size(YamlNode node, string path)
    {
        if (Scalar(node, path, "a size") is not { } text)
        {
            return null;
        }

        if (!LabSizes.TryParse(text, out _, out var error))
        {
            Problem(node, path, error);
            return null;
        }

        return text.Trim();
    }

    public Regex? Regex(YamlNode node, string path)
    {
        if (Scalar(node, path, "a regular expression") is not { } text)
        {
            return null;
        }

        try
        {
            return new Regex(text, RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            Problem(node, path, $"not a regular expression: {e.Message}");
            return null;
        }
    }

    /// <summary>The key's value when it is written and not empty; a problem (at the mapping) when it is required and missing.</summary>
    public YamlNode? Field(YamlMap map, string key, bool required = false)
    {
        var value = map.Given(key);
        if (value is null && required)
        {
            Problem(map.Value(key) ?? map.Node, map.PathOf(key), "is required");
        }

        return value;
    }

    public string? String(YamlMap map, string key, bool required = false) =>
        Field(map, key, required) is { } n ? String(n, map.PathOf(key)) : null;

    public int? Int(YamlMap map, string key, int min, int max, bool required = false) =>
        Field(map, key, required) is { } n ? Int(n, map.PathOf(key), min, max) : null;

    public double? Number(YamlMap map, string key) =>
        Field(map, key) is { } n ? Number(n, map.PathOf(key)) : null;

    public bool? Bool(YamlMap map, string key) =>
        Field(map, key) is { } n ? Bool(n, map.PathOf(key)) : null;

    public TimeSpan? Duration(YamlMap map, string key, bool required = false, bool signed = false, bool positive = false) =>
        Field(map, key, required) is { } n ? Duration(n, map.PathOf(key), signed, positive) : null;

    public string? Size(YamlMap map, string key, bool required = false) =>
        Field(map, key, required) is { } n ? Size(n, map.PathOf(key)) : null;

    public Regex? Regex(YamlMap map, string key, bool required = false) =>
        Field(map, key, required) is { } n ? Regex(n, map.PathOf(key)) : null;

    /// <summary>Where a key is written: the key itself, else the mapping.</summary>
    public static YamlNode At(YamlMap map, string key) => (YamlNode?)map.KeyNode(key) ?? map.Node;

    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ when YamlMap.IsNull(node) => "nothing",
        YamlScalarNode s => $"'{s.Value}'",
        _ => "something else",
    };
}
