using System.Text.Json.Nodes;

namespace Virtlab.Qmp;

/// <summary>CPU model queries.</summary>
public sealed partial class QmpClient
{
    /// <summary><c>query-cpu-model-expansion</c>: what a model means on this QEMU and accelerator.</summary>
    /// <param name="type"><c>static</c> (a base model plus migration-safe features) or <c>full</c> (every property).</param>
    /// <param name="model">The model name, e.g. <c>Nehalem</c>.</param>
    /// <param name="props">Feature overrides (name → on/off), or null.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    public async Task<CpuModelExpansion> QueryCpuModelExpansionAsync(
        string type,
        string model,
        IReadOnlyDictionary<string, bool>? props = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentException.ThrowIfNullOrEmpty(model);
        var modelObj = new JsonObject { ["name"] = model };
        if (props is { Count: > 0 })
        {
            var p = new JsonObject();
            foreach (var (k, v) in props)
            {
                p[k] = v;
            }

            modelObj["props"] = p;
        }

        var value = await ExecuteAsync("query-cpu-model-expansion", new JsonObject { ["type"] = type, ["model"] = modelObj }, null, cancellationToken);
        if (value?["model"] is not JsonObject m || m["name"]?.GetValue<string>() is not { } name)
        {
            throw new QmpException(QmpErrorKind.ProtocolError, $"unexpected reply to 'query-cpu-model-expansion': {value?.ToJsonString()}");
        }

        var result = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (m["props"] is JsonObject ps)
        {
            foreach (var (k, v) in ps)
            {
                result[k] = v?.DeepClone();
            }
        }

        return new CpuModelExpansion(name, result);
    }
}
