using System.Text.Json;
using System.Text.Json.Nodes;

namespace Virtlab.Wire;

/// <summary>
/// Parsing, inbound: one line of a newline-delimited JSON protocol into a <see cref="JsonNode"/>, checked whole.
/// System.Text.Json's DOM checks a string's UTF-8 and an object's duplicate keys only when they are first touched, so a
/// line with either would parse and then throw an unexpected exception wherever the message is read; here both are a
/// <see cref="JsonException"/> at once, and so is an escaped lone surrogate (found by the fuzz tests, docs/RELIABILITY.md).
/// </summary>
public static class JsonLine
{
    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    /// <exception cref="JsonException">Not JSON, not valid UTF-8, a string that is not valid Unicode, or an object with a key twice.</exception>
    public static JsonNode? Parse(ReadOnlySpan<byte> line)
    {
        if (!System.Text.Unicode.Utf8.IsValid(line))
        {
            throw new JsonException("the line is not valid UTF-8");
        }

        CheckStrings(line);
        return JsonNode.Parse(line, null, Strict);
    }

    /// <summary>Reads every string and key once, so an escaped lone surrogate (<c>"\ud800"</c>), which the DOM would
    /// throw an InvalidOperationException for on first read, is a JsonException now.</summary>
    private static void CheckStrings(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = Strict.MaxDepth == 0 ? 64 : Strict.MaxDepth });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped)
                {
                    _ = reader.GetString();
                }
            }
        }
        catch (InvalidOperationException e)
        {
            throw new JsonException($"a string is not valid Unicode: {e.Message}", e);
        }
    }

    /// <summary>A member that should be a string: its text, or for any other JSON its JSON form; null when absent.</summary>
    public static string? Text(JsonNode? node) =>
        node is null ? null : node is JsonValue value && value.TryGetValue<string>(out var text) ? text : node.ToJsonString();
}
