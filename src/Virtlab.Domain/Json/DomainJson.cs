using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Virtlab.Domain.Definitions;
using Virtlab.Domain.Validation;

namespace Virtlab.Domain.Json;

/// <summary>
/// Reads and writes a <see cref="DomainDefinition"/> as JSON with <see cref="DomainJsonContext"/>.
/// Read through here, not through the context directly: source-generated metadata sets an
/// init-only property that is missing from the JSON to <c>default</c> instead of keeping its
/// initializer (dotnet/runtime#84484), so <c>{"name":"t1"}</c> would give a null <c>Cpu</c> and
/// no guest agent. <see cref="Deserialize"/> first fills every field left out with the
/// definition's own default, so definitions stored before a field existed read back correctly.
/// </summary>
public static class DomainJson
{
    /// <summary>A definition with every default, as JSON; "name" is left out because it is required.</summary>
    private static readonly string Defaults = CreateDefaults();

    /// <summary>
    /// The defaults inside objects that are absent (null) by default, so have none in <see cref="Defaults"/>: an
    /// "interface" given as <c>{"bridge":"vlab0"}</c> keeps its default prefix. Required fields are left out.
    /// </summary>
    private static readonly Dictionary<string, string> AbsentObjectDefaults = new(StringComparer.Ordinal)
    {
        ["interface"] = ObjectDefaults(new InterfaceDefinition { Bridge = "" }, DomainJsonContext.Default.InterfaceDefinition, "bridge"),
    };

    public static string Serialize(DomainDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return JsonSerializer.Serialize(definition, DomainJsonContext.Default.DomainDefinition);
    }

    /// <summary>
    /// Reads a definition; fields left out get the definition's defaults. Throws
    /// <see cref="JsonException"/> for malformed JSON, unknown fields, nulls where none belong, or
    /// a missing name.
    /// </summary>
    public static DomainDefinition Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });

        if (node is JsonObject definition)
        {
            FillDefaults(definition, JsonNode.Parse(Defaults)!.AsObject());
            foreach (var (name, defaults) in AbsentObjectDefaults)
            {
                if (definition[name] is JsonObject given)
                {
                    FillDefaults(given, JsonNode.Parse(defaults)!.AsObject());
                }
            }
        }

        try
        {
            return node.Deserialize(DomainJsonContext.Default.DomainDefinition)
                ?? throw new JsonException("the JSON is null, not a domain definition");
        }
        catch (JsonException e) when (e.Path is not null)
        {
            // Positions would point into the filled-in document, not the user's: the path says where.
            throw new JsonException(WithoutPosition(e.Message), e.Path, null, null, e);
        }
    }

    /// <summary>
    /// Reads a definition from user input; on failure one <see cref="ValidationError"/> whose path is
    /// the JSON path of the problem ("cpu.mode"), as <see cref="DomainPaths"/> spells them.
    /// The definition is not validated: run <see cref="DomainValidator"/> on it.
    /// </summary>
    public static bool TryDeserialize(
        string json,
        [NotNullWhen(true)] out DomainDefinition? definition,
        [NotNullWhen(false)] out ValidationError? error)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            definition = Deserialize(json);
            error = null;
            return true;
        }
        catch (JsonException e)
        {
            definition = null;
            error = new ValidationError(ToDomainPath(e.Path), e.Message);
            return false;
        }
    }

    private static string CreateDefaults() =>
        ObjectDefaults(new DomainDefinition { Name = "" }, DomainJsonContext.Default.DomainDefinition, "name");

    /// <summary><paramref name="value"/> as JSON without the <paramref name="required"/> fields.</summary>
    private static string ObjectDefaults<T>(T value, JsonTypeInfo<T> typeInfo, params string[] required)
    {
        var defaults = JsonSerializer.SerializeToNode(value, typeInfo)!.AsObject();
        foreach (var name in required)
        {
            defaults.Remove(name);
        }

        return defaults.ToJsonString();
    }

    /// <summary>Adds each property of <paramref name="defaults"/> that <paramref name="target"/> lacks, recursing into objects (an explicit null stays null).</summary>
    private static void FillDefaults(JsonObject target, JsonObject defaults)
    {
        foreach (var (name, value) in defaults.ToList())
        {
            if (!target.TryGetPropertyValue(name, out var existing))
            {
                defaults.Remove(name);
                target[name] = value;
            }
            else if (existing is JsonObject inner && value is JsonObject innerDefaults)
            {
                FillDefaults(inner, innerDefaults);
            }
        }
    }

    private static string ToDomainPath(string? jsonPath)
    {
        if (string.IsNullOrEmpty(jsonPath) || jsonPath == "$")
        {
            return "$";
        }

        return jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath;
    }

    private static string WithoutPosition(string message)
    {
        var at = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (at < 0)
        {
            at = message.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        }

        return at < 0 ? message : message[..at];
    }
}
