using System.Text.Json.Nodes;

namespace Virtlab.Qmp;

/// <summary>Live migration: capabilities, parameters, the outgoing and incoming side, progress.</summary>
public sealed partial class QmpClient
{
    /// <summary><c>migrate-set-capabilities</c>: e.g. auto-converge, xbzrle, postcopy-ram (both sides for postcopy).</summary>
    public Task MigrateSetCapabilitiesAsync(IReadOnlyDictionary<string, bool> capabilities, CancellationToken cancellationToken = default)
    {
        var list = new JsonArray();
        foreach (var (name, state) in capabilities)
        {
            list.Add(new JsonObject { ["capability"] = name, ["state"] = state });
        }

        return ExecuteAsync("migrate-set-capabilities", new JsonObject { ["capabilities"] = list }, null, cancellationToken);
    }

    /// <summary><c>migrate-set-parameters</c>: downtime-limit (ms), max-bandwidth (bytes/s), xbzrle-cache-size, cpu-throttle-*.</summary>
    public Task MigrateSetParametersAsync(JsonObject parameters, CancellationToken cancellationToken = default) =>
        ExecuteAsync("migrate-set-parameters", (JsonObject)parameters.DeepClone(), null, cancellationToken);

    /// <summary><c>migrate</c>: starts the outgoing migration; returns at once (poll <see cref="QueryMigrateAsync"/>).</summary>
    public Task MigrateAsync(string uri, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(uri);
        return ExecuteAsync("migrate", new JsonObject { ["uri"] = uri }, null, cancellationToken);
    }

    /// <summary><c>migrate-incoming</c>: a QEMU started with <c>-incoming defer</c> listens on <paramref name="uri"/>.</summary>
    public Task MigrateIncomingAsync(string uri, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(uri);
        return ExecuteAsync("migrate-incoming", new JsonObject { ["uri"] = uri }, null, cancellationToken);
    }

    /// <summary><c>query-migrate</c>: status and statistics of the current or last migration.</summary>
    public Task<MigrationInfo> QueryMigrateAsync(CancellationToken cancellationToken = default) =>
        ExecuteAsync("query-migrate", null, QmpJsonContext.Default.MigrationInfo, cancellationToken);

    /// <summary><c>migrate_cancel</c>: cancels the outgoing migration; the source keeps the VM.</summary>
    public Task MigrateCancelAsync(CancellationToken cancellationToken = default) =>
        ExecuteAsync("migrate_cancel", null, null, cancellationToken);

    /// <summary><c>migrate-start-postcopy</c>: switches a running migration (postcopy-ram set) to post-copy.</summary>
    public Task MigrateStartPostcopyAsync(CancellationToken cancellationToken = default) =>
        ExecuteAsync("migrate-start-postcopy", null, null, cancellationToken);

    /// <summary><c>calc-dirty-rate</c>: starts measuring the guest's dirty rate over <paramref name="seconds"/>.</summary>
    public Task CalcDirtyRateAsync(int seconds, CancellationToken cancellationToken = default) =>
        ExecuteAsync("calc-dirty-rate", new JsonObject { ["calc-time"] = seconds }, null, cancellationToken);

    /// <summary><c>query-dirty-rate</c>: the result of <see cref="CalcDirtyRateAsync"/> (dirty-rate in MB/s once measured).</summary>
    public Task<JsonNode?> QueryDirtyRateAsync(CancellationToken cancellationToken = default) =>
        ExecuteAsync("query-dirty-rate", null, null, cancellationToken);
}
