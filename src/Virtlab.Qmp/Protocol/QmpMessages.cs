using System.Text.Json;
using System.Text.Json.Nodes;

namespace Virtlab.Qmp;

/// <summary>Protocol layer: recognizes and takes apart QMP messages (greeting, event, reply).</summary>
internal static class QmpMessages
{
    /// <summary>Parses one line into a JSON object; throws <see cref="QmpException"/> (ProtocolError) otherwise.</summary>
    public static JsonObject ParseObject(ReadOnlySpan<byte> line)
    {
        JsonNode? node;
        try
        {
            node = Wire.JsonLine.Parse(line);
        }
        catch (JsonException e)
        {
            throw new QmpException(QmpErrorKind.ProtocolError, $"QEMU sent a line that is not JSON ({e.Message}): {Preview(line)}", e);
        }

        return node as JsonObject
            ?? throw new QmpException(QmpErrorKind.ProtocolError, $"QEMU sent JSON that is not an object: {Preview(line)}");
    }

    public static QmpGreeting ParseGreeting(JsonObject message)
    {
        if (message["QMP"] is not JsonObject qmp)
        {
            throw new QmpException(QmpErrorKind.ProtocolError, $"expected the QMP greeting, got {Preview(message)}");
        }

        try
        {
            var version = ParseVersion(qmp["version"]);
            var capabilities = qmp["capabilities"] is JsonArray array
                ? array.Select(c => c?.GetValue<string>() ?? string.Empty).ToArray()
                : [];
            return new QmpGreeting(version, capabilities);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new QmpException(QmpErrorKind.ProtocolError, $"malformed QMP greeting: {Preview(message)}", e);
        }
    }

    /// <summary>Parses <c>{"qemu": {"major", "minor", "micro"}, "package"}</c> (greeting and query-version).</summary>
    public static QemuVersion ParseVersion(JsonNode? node)
    {
        if (node is not JsonObject { } version || version["qemu"] is not JsonObject qemu)
        {
            throw new InvalidOperationException("missing 'qemu' version member");
        }

        return new QemuVersion(
            Number(qemu, "major"),
            Number(qemu, "minor"),
            Number(qemu, "micro"),
            version["package"]?.GetValue<string>() ?? string.Empty);
    }

    private static int Number(JsonObject qemu, string name) =>
        qemu[name] is JsonValue value && value.TryGetValue<int>(out var number)
            ? number
            : throw new InvalidOperationException($"the 'qemu' version has no whole number '{name}'");

    /// <summary>The last second a DateTimeOffset holds (9999-12-31); a timestamp out of range (or QEMU's -1 for "no
    /// time") leaves the event at the Unix epoch rather than failing the reader.</summary>
    private const long MaxUnixSeconds = 253_402_300_799;

    public static bool TryParseEvent(JsonObject message, out QmpEvent? qmpEvent)
    {
        qmpEvent = null;
        if (message["event"] is not JsonValue nameValue || !nameValue.TryGetValue<string>(out var name))
        {
            return false;
        }

        var timestamp = DateTimeOffset.UnixEpoch;
        if (message["timestamp"] is JsonObject ts
            && ts["seconds"] is JsonValue seconds && seconds.TryGetValue<long>(out var s)
            && ts["microseconds"] is JsonValue micros && micros.TryGetValue<long>(out var us)
            && s is >= 0 and <= MaxUnixSeconds && us is >= 0 and < 1_000_000)
        {
            timestamp = DateTimeOffset.FromUnixTimeSeconds(s).AddTicks(us * 10);
        }

        var data = message["data"] as JsonObject;
        if (data is not null)
        {
            message.Remove("data");
        }

        qmpEvent = new QmpEvent(name, data, timestamp);
        return true;
    }

    /// <summary>The reply's id if it is a string (the client only sends string ids).</summary>
    public static string? ReplyId(JsonObject message) =>
        message["id"] is JsonValue value && value.TryGetValue<string>(out var id) ? id : null;

    public static bool IsReply(JsonObject message) =>
        message.ContainsKey("return") || message.ContainsKey("error");

    /// <summary>Returns the <c>return</c> member (detached) or throws <see cref="QmpCommandException"/> for an error reply.</summary>
    public static JsonNode? ReturnValueOrThrow(JsonObject reply, string command)
    {
        if (reply["error"] is JsonObject error)
        {
            throw new QmpCommandException(command, Wire.JsonLine.Text(error["class"]) ?? "GenericError", Wire.JsonLine.Text(error["desc"]) ?? string.Empty);
        }

        if (!reply.TryGetPropertyValue("return", out var value))
        {
            throw new QmpException(QmpErrorKind.ProtocolError, $"reply to '{command}' has neither 'return' nor 'error': {Preview(reply)}");
        }

        reply.Remove("return");
        return value;
    }

    public static string Preview(JsonNode node) => Truncate(node.ToJsonString());

    public static string Preview(ReadOnlySpan<byte> line) => Truncate(System.Text.Encoding.UTF8.GetString(line));

    private static string Truncate(string text) => text.Length <= 200 ? text : string.Concat(text.AsSpan(0, 200), "…");
}
