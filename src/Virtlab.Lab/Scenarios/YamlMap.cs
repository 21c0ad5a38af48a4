using YamlDotNet.RepresentationModel;

namespace Virtlab.Lab.Scenarios;

/// <summary>A mapping of the scenario document with its key path ("app", "events[2]"), read by plain string keys.</summary>
internal sealed class YamlMap(YamlMappingNode node, string path)
{
    public YamlMappingNode Node { get; } = node;

    /// <summary>The mapping's key path; empty for the document's root.</summary>
    public string Path { get; } = path;

    /// <summary>The keys as written, in order (keys that are not plain scalars are left out: they were reported).</summary>
    public IEnumerable<YamlScalarNode> KeyNodes =>
        Node.Children.Keys.OfType<YamlScalarNode>().Where(k => k.Value is not null);

    /// <summary>Whether the key is written (its value may be empty).</summary>
    public bool Has(string key) => KeyNode(key) is not null;

    /// <summary>The key's value as written (maybe an empty scalar), or null when the key is not there.</summary>
    public YamlNode? Value(string key) => KeyNode(key) is { } k ? Node.Children[k] : null;

    /// <summary>The key's value, or null when the key is not there or its value is empty (<c>key:</c>, <c>~</c>, <c>null</c>).</summary>
    public YamlNode? Given(string key) => Value(key) is { } v && !IsNull(v) ? v : null;

    public YamlScalarNode? KeyNode(string key) => KeyNodes.FirstOrDefault(k => k.Value == key);

    /// <summary>"app.timeout", "events[2].at".</summary>
    public string PathOf(string key) => Join(Path, key);

    public static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    /// <summary>An empty scalar: nothing after the colon, <c>~</c> or <c>null</c> (unquoted).</summary>
    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: not (YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted) } s
        && (string.IsNullOrEmpty(s.Value) || s.Value is "~" or "null" or "Null" or "NULL");
}
