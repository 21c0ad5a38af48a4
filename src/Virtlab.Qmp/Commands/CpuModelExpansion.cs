using System.Text.Json.Nodes;

namespace Virtlab.Qmp;

/// <summary>The reply of <c>query-cpu-model-expansion</c>: a base model and its properties.</summary>
/// <param name="Name">The base model (<c>base</c> for a static expansion, the model itself for a full one).</param>
/// <param name="Props">Every property QEMU reports, as JSON (booleans for features, numbers and strings for the rest).</param>
public sealed record CpuModelExpansion(string Name, IReadOnlyDictionary<string, JsonNode?> Props)
{
    /// <summary>The boolean properties that are on: the features.</summary>
    public IReadOnlyList<string> EnabledFeatures =>
        Props.Where(p => p.Value is JsonValue v && v.TryGetValue<bool>(out var on) && on).Select(p => p.Key).Order(StringComparer.Ordinal).ToList();

    /// <summary>Every boolean property, on or off: the feature names this QEMU knows.</summary>
    public IReadOnlyList<string> AllFeatures =>
        Props.Where(p => p.Value is JsonValue v && v.TryGetValue<bool>(out _)).Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
}
