using System.Text.Json.Nodes;

namespace Virtlab.Qmp;

/// <summary>Balloon and QOM properties.</summary>
public sealed partial class QmpClient
{
    /// <summary><c>query-balloon</c>: the guest's memory size as the balloon reports it.</summary>
    public Task<BalloonInfo> QueryBalloonAsync(CancellationToken cancellationToken = default) =>
        ExecuteAsync("query-balloon", null, QmpJsonContext.Default.BalloonInfo, cancellationToken);

    /// <summary><c>balloon</c>: asks the guest to reach <paramref name="bytes"/>. Returns when QEMU accepted the
    /// target, not when the guest reached it (<c>BALLOON_CHANGE</c> events / <c>query-balloon</c> tell).</summary>
    public Task BalloonAsync(long bytes, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytes);
        return ExecuteAsync("balloon", new JsonObject { ["value"] = bytes }, null, cancellationToken);
    }

    /// <summary><c>qom-get</c>: reads a QOM property.</summary>
    public Task<JsonNode?> QomGetAsync(string path, string property, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(property);
        return ExecuteAsync("qom-get", new JsonObject { ["path"] = path, ["property"] = property }, null, cancellationToken);
    }

    /// <summary><c>qom-set</c>: writes a QOM property.</summary>
    public Task QomSetAsync(string path, string property, JsonNode? value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(property);
        var arguments = new JsonObject { ["path"] = path, ["property"] = property, ["value"] = value?.DeepClone() };
        return ExecuteAsync("qom-set", arguments, null, cancellationToken);
    }
}
