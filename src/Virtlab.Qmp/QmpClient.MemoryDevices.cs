using System.Text.Json.Nodes;

namespace Virtlab.Qmp;

/// <summary>Memory backends and memory devices (DIMM hot-plug).</summary>
public sealed partial class QmpClient
{
    /// <summary><c>object-add</c>: creates a QOM object such as a <c>memory-backend-ram</c>.</summary>
    /// <param name="qomType">The object type, e.g. <c>memory-backend-ram</c>.</param>
    /// <param name="id">The object id.</param>
    /// <param name="properties">Further properties (e.g. <c>size</c>), or null.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    public Task ObjectAddAsync(string qomType, string id, JsonObject? properties = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(qomType);
        ArgumentException.ThrowIfNullOrEmpty(id);
        var arguments = properties is null ? new JsonObject() : (JsonObject)properties.DeepClone();
        arguments["qom-type"] = qomType;
        arguments["id"] = id;
        return ExecuteAsync("object-add", arguments, null, cancellationToken);
    }

    /// <summary><c>object-del</c>: removes a QOM object that nothing uses any more.</summary>
    public Task ObjectDelAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return ExecuteAsync("object-del", new JsonObject { ["id"] = id }, null, cancellationToken);
    }

    /// <summary><c>query-memory-devices</c>: the plugged DIMMs and virtio-mem devices, as QEMU returns them
    /// (a list of <c>{"type": "dimm", "data": {"id", "size", "addr", "slot", "memdev", ...}}</c>).</summary>
    public async Task<JsonArray> QueryMemoryDevicesAsync(CancellationToken cancellationToken = default) =>
        await ExecuteAsync("query-memory-devices", null, null, cancellationToken) as JsonArray ?? [];

    /// <summary><c>query-memory-size-summary</c>: <c>base-memory</c> and <c>plugged-memory</c> in bytes.</summary>
    public async Task<(long BaseMemory, long PluggedMemory)> QueryMemorySizeSummaryAsync(CancellationToken cancellationToken = default)
    {
        var value = await ExecuteAsync("query-memory-size-summary", null, null, cancellationToken);
        var baseMemory = value?["base-memory"]?.GetValue<long>()
            ?? throw new QmpException(QmpErrorKind.ProtocolError, "unexpected reply to 'query-memory-size-summary': no base-memory");
        return (baseMemory, value?["plugged-memory"]?.GetValue<long>() ?? 0);
    }
}
