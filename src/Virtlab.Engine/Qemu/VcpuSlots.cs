using Virtlab.Qmp;

namespace Virtlab.Engine.Qemu;

/// <summary>
/// Which vCPU slots to plug and unplug. APIC IDs follow the slot order, and under TCG's userspace APIC a hole
/// in APIC IDs starves a new CPU of IPIs (measured: 9-32 s to come online). So slots are always plugged lowest
/// free first and unplugged highest first, which keeps the plugged set contiguous from slot 0 (the boot CPU).
/// </summary>
public static class VcpuSlots
{
    /// <summary>The slots in topology order (socket, die, cluster, core, thread): index i holds APIC ID i.</summary>
    public static IReadOnlyList<HotpluggableCpu> Ordered(IEnumerable<HotpluggableCpu> slots) =>
        slots.OrderBy(s => s.Props.SocketId ?? 0)
            .ThenBy(s => s.Props.DieId ?? 0)
            .ThenBy(s => s.Props.ClusterId ?? 0)
            .ThenBy(s => s.Props.CoreId ?? 0)
            .ThenBy(s => s.Props.ThreadId ?? 0)
            .ToList();

    /// <summary>The free slots to plug to reach <paramref name="target"/> vCPUs, lowest first, with their index.</summary>
    public static IReadOnlyList<(int Index, HotpluggableCpu Slot)> ToPlug(IReadOnlyList<HotpluggableCpu> ordered, int target)
    {
        var plugged = ordered.Count(s => s.IsPlugged);
        return ordered.Select((s, i) => (Index: i, Slot: s))
            .Where(x => !x.Slot.IsPlugged)
            .Take(Math.Max(0, target - plugged))
            .ToList();
    }

    /// <summary>The plugged slots to unplug to come down to <paramref name="target"/> vCPUs, highest first. Slot 0
    /// (the boot CPU: QEMU says "Boot CPU is unpluggable") is never chosen.</summary>
    public static IReadOnlyList<(int Index, HotpluggableCpu Slot)> ToUnplug(IReadOnlyList<HotpluggableCpu> ordered, int target)
    {
        var plugged = ordered.Count(s => s.IsPlugged);
        return ordered.Select((s, i) => (Index: i, Slot: s))
            .Where(x => x.Slot.IsPlugged && x.Index > 0)
            .Reverse()
            .Take(Math.Max(0, plugged - Math.Max(1, target)))
            .ToList();
    }

    /// <summary>The device id Virtlab gives the CPU it plugs into slot <paramref name="index"/>.</summary>
    public static string DeviceId(int index) => $"vcpu{index}";

    /// <summary>The QOM path of a CPU Virtlab plugged (QEMU puts devices with an id under /machine/peripheral).</summary>
    public static string PeripheralPath(string id) => "/machine/peripheral/" + id;

    /// <summary>True when <paramref name="e"/> says the CPU at <paramref name="qomPath"/> is gone. QEMU (7.2 and 10.0)
    /// sends DEVICE_DELETED only for the CPU's child <c>.../lapic</c>, never for the CPU itself; both are accepted.</summary>
    public static bool IsDeletedEvent(QmpEvent e, string qomPath, string? id)
    {
        if (e.Name != "DEVICE_DELETED" || e.Data is null)
        {
            return false;
        }

        var path = e.Data["path"]?.GetValue<string>();
        var device = e.Data["device"]?.GetValue<string>();
        return path == qomPath || path == qomPath + "/lapic" || (id is not null && device == id);
    }
}
