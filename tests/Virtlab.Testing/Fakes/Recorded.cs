using System.Text.Json.Nodes;

namespace Virtlab.Testing.Fakes;

/// <summary>Replies recorded from the real QEMU 10.0.2 and qemu-ga 10.0.2 (see Recorded/README.md).</summary>
public static class Recorded
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "Recorded");

    public static bool HasQmp(string name) => File.Exists(QmpPath(name));

    public static bool HasQga(string name) => File.Exists(QgaPath(name));

    /// <summary>The recorded line, exactly as QEMU sent it (without the newline).</summary>
    public static string QmpLine(string name) => File.ReadAllText(QmpPath(name)).TrimEnd('\n');

    public static JsonObject Qmp(string name) => JsonNode.Parse(QmpLine(name))!.AsObject();

    public static string QgaLine(string name) => File.ReadAllText(QgaPath(name)).TrimEnd('\n');

    public static JsonObject Qga(string name) => JsonNode.Parse(QgaLine(name))!.AsObject();

    private static string QmpPath(string name) => Path.Combine(Root, "qmp", name + ".json");

    private static string QgaPath(string name) => Path.Combine(Root, "qga", name + ".json");
}
