using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Virtlab.Domain.Definitions;
using Virtlab.Domain.Validation;

namespace Virtlab.Domain.Json;

/// <summary>Reads and writes a <see cref="DomainDefinition"/> as JSON with <see cref="DomainJsonContext"/>.</summary>
public static class DomainJson
{
    public static string Serialize(DomainDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return JsonSerializer.Serialize(definition, DomainJsonContext.Default.DomainDefinition);
    }

    /// <summary>Reads a definition; throws <see cref="JsonException"/> for malformed JSON, unknown fields or a missing name.</summary>
    public static DomainDefinition Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return JsonSerializer.Deserialize(json, DomainJsonContext.Default.DomainDefinition)
            ?? throw new JsonException("the JSON is null, not a domain definition");
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

    private static string ToDomainPath(string? jsonPath)
    {
        if (string.IsNullOrEmpty(jsonPath) || jsonPath == "$")
        {
            return "$";
        }

        return jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath;
    }
}
