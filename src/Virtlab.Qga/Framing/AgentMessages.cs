using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Virtlab.Qga;

/// <summary>Builds and takes apart agent messages.</summary>
internal static class AgentMessages
{
    /// <summary>Serializes a request as one line; with <paramref name="delimit"/> a 0xFF byte goes first, which
    /// makes the agent drop any half-parsed input before it.</summary>
    public static ReadOnlyMemory<byte> Serialize(JsonObject request, bool delimit)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        if (delimit)
        {
            buffer.Write<byte>([0xFF]);
        }

        using (var writer = new Utf8JsonWriter(buffer))
        {
            request.WriteTo(writer);
        }

        buffer.Write("\n"u8);
        return buffer.WrittenMemory;
    }

    /// <summary>Parses a line as a JSON object, or returns null (stray output is discarded, not fatal).</summary>
    public static JsonObject? TryParseObject(byte[] line)
    {
        try
        {
            return JsonNode.Parse(line) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string Preview(byte[] line)
    {
        var text = Encoding.UTF8.GetString(line);
        return text.Length <= 200 ? text : string.Concat(text.AsSpan(0, 200), "…");
    }

    public static string Preview(JsonNode node)
    {
        var text = node.ToJsonString();
        return text.Length <= 200 ? text : string.Concat(text.AsSpan(0, 200), "…");
    }
}
