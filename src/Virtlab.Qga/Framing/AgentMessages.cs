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
            return Wire.JsonLine.Parse(line) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The id a <c>guest-sync-delimited</c> answer carries (<c>{"return": N}</c>), or null for any other line.</summary>
    public static long? SyncAnswer(JsonObject message) =>
        message["return"] is JsonValue value && value.TryGetValue<long>(out var answered) ? answered : null;

    /// <summary>Whether <paramref name="message"/> is the reply to the request with <paramref name="id"/> (an id-less reply
    /// counts: some agents do not echo ids); a reply with another id is a stale one.</summary>
    public static bool IsReplyTo(JsonObject message, string id)
    {
        if (!message.ContainsKey("return") && !message.ContainsKey("error"))
        {
            return false;
        }

        return message["id"] switch
        {
            null => true,
            JsonValue value => value.TryGetValue<string>(out var replyId) && replyId == id,
            _ => false,
        };
    }

    /// <summary>Returns the <c>return</c> member (detached) or throws <see cref="GuestAgentCommandException"/> for an error reply.</summary>
    public static JsonNode? ReturnValueOrThrow(JsonObject reply, string command)
    {
        if (reply["error"] is JsonObject error)
        {
            throw new GuestAgentCommandException(command, Wire.JsonLine.Text(error["class"]) ?? "GenericError", Wire.JsonLine.Text(error["desc"]) ?? string.Empty);
        }

        if (!reply.TryGetPropertyValue("return", out var value))
        {
            throw new GuestAgentException(
                GuestAgentErrorKind.ProtocolError,
                $"reply to '{command}' has neither 'return' nor 'error': {Preview(reply)}");
        }

        reply.Remove("return");
        return value;
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
