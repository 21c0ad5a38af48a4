using System.Diagnostics;
using Virtlab.Api;
using Virtlab.Domain.State;
using Virtlab.Engine.Domains;
using Virtlab.Engine.Guest;
using Virtlab.Engine.Qemu;
using Virtlab.Qmp;

namespace Virtlab.Engine.Hotplug;

/// <summary>virsh setvcpus --live / vcpucount: vCPU hot-plug through QEMU, onlining through the guest agent.</summary>
public sealed class VcpuHotplugService(EngineContext context, HotplugOptions options)
{
    private readonly HotplugOptions _options = options;

    /// <summary>
    /// setvcpus NAME N --live. Growing: device_add into the lowest free slots, wait for ACPI_DEVICE_OST, then
    /// online the new CPUs with guest-set-vcpus until the guest reports N online ("completed") or the bound runs out
    /// ("pending-guest", with the reason). Shrinking: offline the highest CPUs in the guest, device_del the highest
    /// slots, and wait for DEVICE_DELETED of the CPU's <c>/lapic</c> child (QEMU sends no other).
    /// </summary>
    public async Task<SetVcpusReply> SetVcpusLiveAsync(string name, int count, CancellationToken cancellationToken)
    {
        var domain = context.GetRunning(name);
        ValidateVcpuCount(domain, count);
        using var job = domain.Job.Begin(DomainJobKind.SetVcpus);
        domain.EnsureAllowed(DomainAction.SetVcpus);
        var started = Stopwatch.GetTimestamp();
        var slots = VcpuSlots.Ordered(await QmpCalls.CallAsync(domain, c => c.QueryHotpluggableCpusAsync(cancellationToken)).ConfigureAwait(false));
        var plugged = slots.Count(s => s.IsPlugged);
        if (count > plugged)
        {
            var toPlug = VcpuSlots.ToPlug(slots, count);
            var created = domain.VcpuThreadsCreated ??= plugged;
            if (!domain.Accel.IsKvm && created + toPlug.Count > slots.Count)
            {
                throw new VirtlabException(
                    ErrorKind.Unsupported,
                    $"this QEMU process of '{name}' has created {created} vCPU threads and multi-threaded TCG has room for {slots.Count} in its life (QEMU 10.0 never frees one on unplug, and one more aborts QEMU): nothing was plugged; restart the domain to plug again");
            }

            foreach (var (index, slot) in toPlug)
            {
                await PlugVcpuAsync(domain, index, slot, cancellationToken).ConfigureAwait(false);
                if (File.Exists(domain.Run.VcpuUnpluggedMarker))
                {
                    domain.BlockMigration($"its QEMU process plugged a vCPU after unplugging one, and QEMU {domain.QemuVersion} under TCG then hangs in migration setup (it waits forever on the unplugged vCPU)");
                }
                domain.VcpuThreadsCreated = domain.VcpuThreadsCreated + 1;
            }

            return await OnlineInGuestAsync(domain, count, started, cancellationToken).ConfigureAwait(false);
        }

        if (count < plugged)
        {
            await OfflineInGuestBeforeUnplugAsync(domain, count, cancellationToken).ConfigureAwait(false);
            var pending = new List<string>();
            foreach (var (index, slot) in VcpuSlots.ToUnplug(slots, count))
            {
                File.WriteAllText(domain.Run.VcpuUnpluggedMarker, $"vCPU slot {index} unplugged\n");
                if (!await UnplugVcpuAsync(domain, index, slot, cancellationToken).ConfigureAwait(false))
                {
                    pending.Add(VcpuSlots.DeviceId(index));
                }
            }

            var live = (await QmpCalls.CallAsync(domain, c => c.QueryCpusFastAsync(cancellationToken)).ConfigureAwait(false)).Count;
            var guest = await TryGuestOnlineCountAsync(domain, cancellationToken).ConfigureAwait(false);
            return pending.Count == 0
                ? new SetVcpusReply("completed", live, guest, Seconds(started))
                : new SetVcpusReply("pending-guest", live, guest, Seconds(started),
                    $"the guest has not ejected {string.Join(", ", pending)} within {_options.UnplugEventTimeout.TotalSeconds:0} s; QEMU still has {live} vCPUs");
        }

        return await OnlineInGuestAsync(domain, count, started, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>vcpucount: maximum and current vCPUs in the configuration, in QEMU and in the guest.</summary>
    public async Task<VcpuCountInfo> VcpuCountAsync(string name, CancellationToken cancellationToken)
    {
        var def = context.GetDefinition(name);
        if (!context.Domains.TryGet(name, out var domain))
        {
            return new VcpuCountInfo(def.MaxVcpus, def.Vcpus, null, null, null, "the domain is not running");
        }

        var slots = await QmpCalls.CallAsync(domain, c => c.QueryHotpluggableCpusAsync(cancellationToken)).ConfigureAwait(false);
        int? guest = null;
        string? problem = null;
        try
        {
            var vcpus = await GuestAgent.CallAsync(domain, _options.AgentStepTimeout, (a, ct) => a.GetVcpusAsync(ct), cancellationToken).ConfigureAwait(false);
            guest = vcpus.Count(v => v.Online);
        }
        catch (VirtlabException e) when (e.Kind is ErrorKind.AgentUnresponsive or ErrorKind.AgentError or ErrorKind.Unsupported)
        {
            problem = e.Message;
        }

        return new VcpuCountInfo(def.MaxVcpus, def.Vcpus, def.MaxVcpus, slots.Count(s => s.IsPlugged), guest, problem);
    }

    private static void ValidateVcpuCount(DomainObject domain, int count)
    {
        var max = domain.Definition.MaxVcpus;
        if (count < 1 || count > max)
        {
            throw new VirtlabException(
            [
                new Domain.Validation.ValidationError(
                    "COUNT",
                    count < 1
                        ? $"{count} vCPUs is not possible: a guest needs at least 1"
                        : $"{count} vCPUs is above this domain's maximum of {max} (maxvcpus): give 1 to {max}, or redefine the domain with a higher maxvcpus"),
            ]);
        }
    }

    private async Task PlugVcpuAsync(DomainObject domain, int index, HotpluggableCpu slot, CancellationToken cancellationToken)
    {
        var id = VcpuSlots.DeviceId(index);
        using var ost = domain.Qmp.Subscribe(
            e => e.Name == "ACPI_DEVICE_OST" && e.Data?["info"]?["device"]?.GetValue<string>() == id,
            $"ACPI_DEVICE_OST for {id}");
        var args = slot.Props.ToJsonObject();
        args["driver"] = slot.Type;
        args["id"] = id;
        await QmpCalls.CallAsync(domain, c => c.DeviceAddAsync(args, cancellationToken)).ConfigureAwait(false);
        if (!await QmpCalls.WaitEventAsync(domain, ost, _options.PlugEventTimeout, cancellationToken).ConfigureAwait(false))
        {
            // QEMU has the CPU (device_add returned); the guest has not acknowledged it yet. The onlining loop below
            // waits for the guest to list it.
            context.Log?.Invoke($"setvcpus {domain.Name}: no {ost.Description} within {_options.PlugEventTimeout.TotalSeconds:0} s; continuing with the guest");
        }
    }

    /// <summary>device_del of one CPU and a bounded wait for its removal; false when it is still there.</summary>
    private async Task<bool> UnplugVcpuAsync(DomainObject domain, int index, HotpluggableCpu slot, CancellationToken cancellationToken)
    {
        var qomPath = slot.QomPath!;
        var id = qomPath.StartsWith("/machine/peripheral/", StringComparison.Ordinal) ? qomPath["/machine/peripheral/".Length..] : null;
        using var deleted = domain.Qmp.Subscribe(e => VcpuSlots.IsDeletedEvent(e, qomPath, id), $"DEVICE_DELETED for {qomPath}/lapic");
        await QmpCalls.CallAsync(domain, c => c.DeviceDelAsync(id ?? qomPath, cancellationToken)).ConfigureAwait(false);
        if (await QmpCalls.WaitEventAsync(domain, deleted, _options.UnplugEventTimeout, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        var now = VcpuSlots.Ordered(await QmpCalls.CallAsync(domain, c => c.QueryHotpluggableCpusAsync(cancellationToken)).ConfigureAwait(false));
        context.Log?.Invoke($"setvcpus {domain.Name}: no {deleted.Description} within {_options.UnplugEventTimeout.TotalSeconds:0} s; slot {index} plugged: {now[index].IsPlugged}");
        return !now[index].IsPlugged;
    }

    /// <summary>Onlines offline guest CPUs with logical ids below <paramref name="count"/> until the guest reports
    /// that many online, within <see cref="HotplugOptions.GuestOnlineTimeout"/>.</summary>
    private async Task<SetVcpusReply> OnlineInGuestAsync(DomainObject domain, int count, long started, CancellationToken cancellationToken)
    {
        var live = (await QmpCalls.CallAsync(domain, c => c.QueryCpusFastAsync(cancellationToken)).ConfigureAwait(false)).Count;
        if (!domain.Definition.GuestAgent)
        {
            return new SetVcpusReply("pending-guest", live, null, Seconds(started),
                "the domain has no guest agent: the new vCPUs stay offline until the guest onlines them (echo 1 > /sys/devices/system/cpu/cpuN/online)");
        }

        var deadline = Stopwatch.GetTimestamp() + (long)(_options.GuestOnlineTimeout.TotalSeconds * Stopwatch.Frequency);
        var online = 0;
        try
        {
            while (true)
            {
                var vcpus = await GuestAgent.CallAsync(domain, _options.AgentStepTimeout, (a, ct) => a.GetVcpusAsync(ct), cancellationToken).ConfigureAwait(false);
                online = vcpus.Count(v => v.Online);
                if (online >= count)
                {
                    return new SetVcpusReply("completed", live, online, Seconds(started));
                }

                var toOnline = vcpus.Where(v => !v.Online && v.LogicalId < count).Select(v => v with { Online = true }).ToList();
                if (toOnline.Count > 0)
                {
                    try
                    {
                        await GuestAgent.CallAsync(domain, _options.AgentStepTimeout, (a, ct) => a.SetVcpusAsync(toOnline, ct), cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    catch (VirtlabException e) when (e.Kind == ErrorKind.AgentError)
                    {
                        // The guest may not have finished adding the CPU yet ("Device or resource busy"): retry below.
                        context.Log?.Invoke($"setvcpus {domain.Name}: {e.Message}; retrying");
                    }
                }

                if (Stopwatch.GetTimestamp() > deadline)
                {
                    return new SetVcpusReply("pending-guest", live, online, Seconds(started),
                        $"QEMU has {live} vCPUs but the guest reports {online} online after {_options.GuestOnlineTimeout.TotalSeconds:0} s");
                }

                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (VirtlabException e) when (e.Kind is ErrorKind.AgentUnresponsive or ErrorKind.AgentError)
        {
            return new SetVcpusReply("pending-guest", live, null, Seconds(started),
                $"QEMU has {live} vCPUs, but they could not be onlined in the guest: {e.Message}");
        }
    }

    /// <summary>The polite unplug: offline the CPUs that will go (logical ids ≥ count) before ejecting them. Without
    /// an agent the guest offlines them itself on eject (measured: 10-50 ms), so failures here are only logged.</summary>
    private async Task OfflineInGuestBeforeUnplugAsync(DomainObject domain, int count, CancellationToken cancellationToken)
    {
        if (!domain.Definition.GuestAgent)
        {
            return;
        }

        try
        {
            var vcpus = await GuestAgent.CallAsync(domain, _options.AgentStepTimeout, (a, ct) => a.GetVcpusAsync(ct), cancellationToken).ConfigureAwait(false);
            var toOffline = vcpus.Where(v => v.Online && v.LogicalId >= count && v.CanOffline != false)
                .OrderByDescending(v => v.LogicalId).Select(v => v with { Online = false }).ToList();
            if (toOffline.Count > 0)
            {
                await GuestAgent.CallAsync(domain, _options.AgentStepTimeout, (a, ct) => a.SetVcpusAsync(toOffline, ct), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (VirtlabException e) when (e.Kind is ErrorKind.AgentUnresponsive or ErrorKind.AgentError)
        {
            context.Log?.Invoke($"setvcpus {domain.Name}: offlining in the guest first failed ({e.Message}); the guest offlines on eject");
        }
    }

    private async Task<int?> TryGuestOnlineCountAsync(DomainObject domain, CancellationToken cancellationToken)
    {
        if (!domain.Definition.GuestAgent)
        {
            return null;
        }

        try
        {
            var vcpus = await GuestAgent.CallAsync(domain, _options.AgentStepTimeout, (a, ct) => a.GetVcpusAsync(ct), cancellationToken).ConfigureAwait(false);
            return vcpus.Count(v => v.Online);
        }
        catch (VirtlabException e) when (e.Kind is ErrorKind.AgentUnresponsive or ErrorKind.AgentError)
        {
            return null;
        }
    }

    internal static double Seconds(long started) => Math.Round(Stopwatch.GetElapsedTime(started).TotalSeconds, 3);
}
