using System.Text.Json.Nodes;

namespace Virtlab.Qmp;

/// <summary>Where a vCPU sits in the topology (<c>props</c> of <c>query-hotpluggable-cpus</c> and
/// <c>query-cpus-fast</c>). Members QEMU leaves out are null.</summary>
public sealed record CpuInstanceProperties(
    int? NodeId = null,
    int? DrawerId = null,
    int? BookId = null,
    int? SocketId = null,
    int? DieId = null,
    int? ClusterId = null,
    int? ModuleId = null,
    int? CoreId = null,
    int? ThreadId = null)
{
    /// <summary>The members that are set, as <c>device_add</c> arguments (<c>"socket-id": 0, "core-id": 1, ...</c>).</summary>
    public JsonObject ToJsonObject()
    {
        var json = new JsonObject();
        Add(json, "node-id", NodeId);
        Add(json, "drawer-id", DrawerId);
        Add(json, "book-id", BookId);
        Add(json, "socket-id", SocketId);
        Add(json, "die-id", DieId);
        Add(json, "cluster-id", ClusterId);
        Add(json, "module-id", ModuleId);
        Add(json, "core-id", CoreId);
        Add(json, "thread-id", ThreadId);
        return json;
    }

    private static void Add(JsonObject json, string name, int? value)
    {
        if (value is { } v)
        {
            json[name] = v;
        }
    }
}
