using Virtlab.Api;
using Virtlab.Engine.Qemu;
using Virtlab.Qmp;

namespace Virtlab.Engine.Migration;

/// <summary>
/// Reads what was hot-plugged into a running QEMU (vCPUs and DIMMs Virtlab plugged, which carry an id) so the
/// destination of a migration can start with the same devices: QEMU refuses a stream whose devices it lacks.
/// </summary>
public static class LiveDeviceReader
{
    public static async Task<LiveDevices> ReadAsync(QmpClient qmp, CancellationToken cancellationToken)
    {
        var vcpus = new List<PluggedVcpu>();
        foreach (var slot in VcpuSlots.Ordered(await qmp.QueryHotpluggableCpusAsync(cancellationToken).ConfigureAwait(false)))
        {
            if (slot.QomPath is { } path && path.StartsWith("/machine/peripheral/", StringComparison.Ordinal))
            {
                var p = slot.Props;
                vcpus.Add(new PluggedVcpu(path["/machine/peripheral/".Length..], slot.Type, p.SocketId, p.DieId, p.ClusterId, p.CoreId, p.ThreadId));
            }
        }

        var dimms = new List<PluggedDimm>();
        foreach (var d in await qmp.QueryMemoryDevicesAsync(cancellationToken).ConfigureAwait(false))
        {
            var data = d?["data"];
            if (d?["type"]?.GetValue<string>() == "dimm" && data?["id"]?.GetValue<string>() is { } id)
            {
                dimms.Add(new PluggedDimm(id, data["size"]!.GetValue<long>(), data["addr"]!.GetValue<long>(), data["slot"]!.GetValue<int>()));
            }
        }

        return new LiveDevices(vcpus, dimms);
    }
}
