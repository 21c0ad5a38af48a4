using System.Text.Json.Nodes;

namespace Virtlab.Qmp;

/// <summary>Devices and vCPUs.</summary>
public sealed partial class QmpClient
{
    /// <summary><c>device_add</c> with the given arguments (<c>driver</c>, <c>id</c>, properties).</summary>
    public Task DeviceAddAsync(JsonObject arguments, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return ExecuteAsync("device_add", arguments, null, cancellationToken);
    }

    /// <summary><c>device_del</c>: asks for removal. Completion is asynchronous (the guest must eject the device):
    /// wait for <c>DEVICE_DELETED</c>/<c>ACPI_DEVICE_OST</c> or re-query.</summary>
    /// <param name="id">The device id or its QOM path.</param>
    /// <param name="cancellationToken">Stops waiting for the reply.</param>
    public Task DeviceDelAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return ExecuteAsync("device_del", new JsonObject { ["id"] = id }, null, cancellationToken);
    }

    /// <summary><c>query-cpus-fast</c>: the vCPUs that exist now.</summary>
    public async Task<IReadOnlyList<CpuInfoFast>> QueryCpusFastAsync(CancellationToken cancellationToken = default) =>
        await ExecuteAsync("query-cpus-fast", null, QmpJsonContext.Default.ListCpuInfoFast, cancellationToken);

    /// <summary><c>query-hotpluggable-cpus</c>: every vCPU slot, plugged or free (QEMU lists the highest first).</summary>
    public async Task<IReadOnlyList<HotpluggableCpu>> QueryHotpluggableCpusAsync(CancellationToken cancellationToken = default) =>
        await ExecuteAsync("query-hotpluggable-cpus", null, QmpJsonContext.Default.ListHotpluggableCpu, cancellationToken);

    /// <summary><c>query-cpu-definitions</c>: the CPU models and what each lacks under the current accelerator.</summary>
    public async Task<IReadOnlyList<CpuDefinitionInfo>> QueryCpuDefinitionsAsync(CancellationToken cancellationToken = default) =>
        await ExecuteAsync("query-cpu-definitions", null, QmpJsonContext.Default.ListCpuDefinitionInfo, cancellationToken);
}
