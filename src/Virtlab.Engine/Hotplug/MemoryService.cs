using System.Diagnostics;
using System.Text.Json.Nodes;
using Virtlab.Api;
using Virtlab.Domain.Sizes;
using Virtlab.Domain.State;
using Virtlab.Domain.Validation;
using Virtlab.Engine.Domains;
using Virtlab.Engine.Guest;
using Virtlab.Engine.Process;
using Virtlab.Qmp;

namespace Virtlab.Engine.Hotplug;

/// <summary>virsh setmem --live and dommemstat: virtio-balloon below the plugged RAM, DIMM hot-plug above it.</summary>
public sealed class MemoryService(EngineContext context, HotplugOptions options)
{
    private readonly HotplugOptions _options = options;
    private readonly SharedMemInfo _memStatGuest = new();

    /// <summary>
    /// setmem NAME SIZE --live. Above the RAM plugged now: a pc-dimm (whole 128 MiB blocks; the guest onlines it
    /// as movable memory). Below it: DIMMs that fit wholly above the target are unplugged, and the balloon takes the
    /// rest. Returns when query-balloon reaches the target ("completed") or, after <see cref="HotplugOptions.BalloonTimeout"/>,
    /// with the value reached ("partial"). A target below what the guest cannot give up is refused.
    /// </summary>
    public async Task<SetMemReply> SetMemLiveAsync(string name, string size, CancellationToken cancellationToken)
    {
        var domain = context.GetRunning(name);
        var def = domain.Definition;
        if (!ByteSize.TryParseKiB(size, SizeUnit.MiB, out var targetKiB, out var sizeError))
        {
            throw new VirtlabException([new ValidationError("SIZE", sizeError)]);
        }

        var ceilingKiB = def.MaxMemoryKiB ?? def.MemoryKiB;
        if (targetKiB > ceilingKiB)
        {
            throw new VirtlabException([new ValidationError("SIZE", def.MaxMemoryKiB is null
                ? $"{ByteSize.Format(targetKiB)} is above this domain's {ByteSize.Format(def.MemoryKiB)}, and memory hot-plug is off: create it with --memory {ByteSize.Format(def.MemoryKiB).Replace(" ", "", StringComparison.Ordinal)},maxmemory=SIZE"
                : $"{ByteSize.Format(targetKiB)} is above this domain's maxmemory of {ByteSize.Format(ceilingKiB)}")]);
        }

        if (def.Balloon is null)
        {
            throw new VirtlabException(ErrorKind.Unsupported, $"domain '{name}' has no balloon device (<memballoon model='none'/>): setmem --live needs one");
        }

        using var job = domain.Job.Begin(DomainJobKind.SetMem);
        domain.EnsureAllowed(DomainAction.SetMem);
        var started = Stopwatch.GetTimestamp();
        await Balloon.EnsureStatsPollingAsync(domain, cancellationToken).ConfigureAwait(false);
        var pluggedKiB = await Balloon.PluggedRamKiBAsync(domain, cancellationToken).ConfigureAwait(false);
        var actualKiB = (await QmpCalls.CallAsync(domain, c => c.QueryBalloonAsync(cancellationToken)).ConfigureAwait(false)).Actual / 1024;
        var guest = await TryMemInfoAsync(domain, cancellationToken).ConfigureAwait(false);
        var messages = new List<string>();

        if (targetKiB < actualKiB)
        {
            var floorKiB = guest is null ? BalloonFloor.WithoutGuestFiguresKiB(pluggedKiB) : BalloonFloor.FloorKiB(actualKiB, guest);
            if (targetKiB < floorKiB)
            {
                throw new VirtlabException([new ValidationError("SIZE", guest is null
                    ? $"{ByteSize.Format(targetKiB)} is below {ByteSize.Format(floorKiB)}, the floor used when the guest agent cannot tell what the guest needs (40 % of its RAM); nothing was changed"
                    : $"{ByteSize.Format(targetKiB)} is below {ByteSize.Format(floorKiB)}, the least this guest survives: it cannot give up {ByteSize.Format(Math.Max(0, actualKiB - guest.MemAvailableKiB))} (its RAM minus MemAvailable {ByteSize.Format(guest.MemAvailableKiB)}) plus {ByteSize.Format(BalloonFloor.HeadroomKiB(actualKiB))} headroom; a lower balloon OOM-kills the agent and init. Nothing was changed")]);
            }
        }

        long dimmKiB = 0;
        if (targetKiB > pluggedKiB)
        {
            dimmKiB = Math.Min(MemoryPlan.DimmKiB(pluggedKiB, targetKiB), (ceilingKiB - pluggedKiB) / MemoryPlan.BlockKiB * MemoryPlan.BlockKiB);
            if (pluggedKiB + dimmKiB < targetKiB)
            {
                throw new VirtlabException([new ValidationError("SIZE",
                    $"{ByteSize.Format(targetKiB)} needs a DIMM of whole 128 MiB blocks, and only {ByteSize.Format(dimmKiB)} fit below maxmemory {ByteSize.Format(ceilingKiB)}: give at most {ByteSize.Format(pluggedKiB + dimmKiB)}")]);
            }

            await PlugDimmAsync(domain, dimmKiB, cancellationToken).ConfigureAwait(false);
            messages.Add($"plugged a {ByteSize.Format(dimmKiB)} DIMM");
        }
        else if (targetKiB < pluggedKiB && await HasDimmsAsync(domain, cancellationToken).ConfigureAwait(false))
        {
            // Deflate first: a DIMM goes only once the guest has migrated everything out of it, and balloon pages
            // sitting in it need free memory elsewhere to move to (measured: with the balloon inflated the guest
            // could not offline the DIMM, and inflating further then OOM-killed it).
            await QmpCalls.CallAsync(domain, c => c.BalloonAsync(pluggedKiB * 1024, cancellationToken)).ConfigureAwait(false);
            await WaitBalloonAsync(domain, pluggedKiB, cancellationToken).ConfigureAwait(false);
            messages.AddRange(await UnplugDimmsAboveAsync(domain, pluggedKiB, targetKiB, cancellationToken).ConfigureAwait(false));

            // What the guest can give up has changed (and a refused eject may have offlined part of a DIMM): check
            // the floor again with fresh figures before inflating.
            var nowActual = (await QmpCalls.CallAsync(domain, c => c.QueryBalloonAsync(cancellationToken)).ConfigureAwait(false)).Actual / 1024;
            var nowGuest = await TryMemInfoAsync(domain, cancellationToken).ConfigureAwait(false);
            var nowFloor = nowGuest is null ? BalloonFloor.WithoutGuestFiguresKiB(pluggedKiB) : BalloonFloor.FloorKiB(nowActual, nowGuest);
            if (targetKiB < nowFloor)
            {
                messages.Add($"the balloon was left at {ByteSize.Format(nowActual)}: {ByteSize.Format(targetKiB)} is now below the guest's floor of {ByteSize.Format(nowFloor)}");
                var hp = await Balloon.PluggedRamKiBAsync(domain, cancellationToken).ConfigureAwait(false) - def.MemoryKiB;
                return new SetMemReply("partial", targetKiB, nowActual, hp, nowGuest?.MemTotalKiB, nowGuest?.MemAvailableKiB, VcpuHotplugService.Seconds(started), string.Join("; ", messages));
            }
        }

        await QmpCalls.CallAsync(domain, c => c.BalloonAsync(targetKiB * 1024, cancellationToken)).ConfigureAwait(false);
        var reached = await WaitBalloonAsync(domain, targetKiB, cancellationToken).ConfigureAwait(false);
        if (dimmKiB > 0 && guest is not null)
        {
            await WaitGuestMemTotalAsync(domain, guest.MemTotalKiB + (dimmKiB / 2), cancellationToken).ConfigureAwait(false);
        }

        _memStatGuest.Forget(domain);
        var after = await TryMemInfoAsync(domain, cancellationToken).ConfigureAwait(false);
        var hotplugged = await Balloon.PluggedRamKiBAsync(domain, cancellationToken).ConfigureAwait(false) - def.MemoryKiB;
        var done = Math.Abs(reached - targetKiB) < 1024;
        if (!done)
        {
            messages.Add($"the balloon reached {ByteSize.Format(reached)} of {ByteSize.Format(targetKiB)} within {_options.BalloonTimeout.TotalSeconds:0} s"
                + (def.Balloon.DeflateOnOom ? " (deflate-on-oom: the guest takes memory back under pressure)" : string.Empty));
        }

        return new SetMemReply(done ? "completed" : "partial", targetKiB, reached, hotplugged, after?.MemTotalKiB, after?.MemAvailableKiB,
            VcpuHotplugService.Seconds(started), messages.Count == 0 ? null : string.Join("; ", messages));
    }

    /// <summary>dommemstat: the balloon's guest statistics (polling switched on at first use), and QEMU's RSS.</summary>
    public async Task<MemStatInfo> MemStatAsync(string name, CancellationToken cancellationToken)
    {
        var domain = context.GetRunning(name);
        if (domain.Definition.Balloon is null)
        {
            throw new VirtlabException(ErrorKind.Unsupported, $"domain '{name}' has no balloon device: dommemstat reads balloon statistics");
        }

        var period = await Balloon.EnsureStatsPollingAsync(domain, cancellationToken).ConfigureAwait(false);
        var actual = (await QmpCalls.CallAsync(domain, c => c.QueryBalloonAsync(cancellationToken)).ConfigureAwait(false)).Actual / 1024;
        var node = await QmpCalls.CallAsync(domain, c => c.QomGetAsync(Balloon.Path, "guest-stats", cancellationToken)).ConfigureAwait(false);
        var stats = node?["stats"] as JsonObject;
        var lastUpdate = node?["last-update"]?.GetValue<long>();
        var guest = await _memStatGuest.GetAsync(
            domain, TimeSpan.FromSeconds(period), () => TryMemInfoAsync(domain, CancellationToken.None), cancellationToken).ConfigureAwait(false);
        return new MemStatInfo(
            actual,
            Balloon.Kib(stats, "stat-swap-in"), Balloon.Kib(stats, "stat-swap-out"), Balloon.Stat(stats, "stat-major-faults"), Balloon.Stat(stats, "stat-minor-faults"),
            Balloon.Kib(stats, "stat-free-memory"), Balloon.Kib(stats, "stat-total-memory"), Balloon.Kib(stats, "stat-available-memory"), Balloon.Kib(stats, "stat-disk-caches"),
            lastUpdate is > 0 ? lastUpdate : null, ProcessStats.RssKiB(domain.Process.Pid), period, guest?.MemTotalKiB, guest?.MemAvailableKiB);
    }

    private static async Task<bool> HasDimmsAsync(DomainObject domain, CancellationToken cancellationToken) =>
        (await QmpCalls.CallAsync(domain, c => c.QueryMemoryDevicesAsync(cancellationToken)).ConfigureAwait(false)).Count > 0;

    private async Task PlugDimmAsync(DomainObject domain, long sizeKiB, CancellationToken cancellationToken)
    {
        var devices = await QmpCalls.CallAsync(domain, c => c.QueryMemoryDevicesAsync(cancellationToken)).ConfigureAwait(false);
        var used = devices.Select(d => d?["data"]?["id"]?.GetValue<string>()).Where(i => i is not null).ToHashSet(StringComparer.Ordinal);
        var n = 0;
        while (used.Contains($"dimm{n}"))
        {
            n++;
        }

        string id;
        while (true)
        {
            id = $"dimm{n}";
            try
            {
                await domain.Qmp.ObjectAddAsync("memory-backend-ram", "mem-" + id, new JsonObject { ["size"] = sizeKiB * 1024 }, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (QmpCommandException e) when (e.Message.Contains("duplicate", StringComparison.Ordinal) && n < 256)
            {
                // A backend left from a DIMM removed outside Virtlab (qemu-monitor-command device_del): skip its id.
                n++;
            }
            catch (QmpException e)
            {
                throw await QmpCalls.FailureAsync(domain, e).ConfigureAwait(false);
            }
        }

        using var ost = domain.Qmp.Subscribe(
            e => e.Name == "ACPI_DEVICE_OST" && e.Data?["info"]?["device"]?.GetValue<string>() == id,
            $"ACPI_DEVICE_OST for {id}");
        try
        {
            await QmpCalls.CallAsync(domain, c => c.DeviceAddAsync(new JsonObject { ["driver"] = "pc-dimm", ["id"] = id, ["memdev"] = "mem-" + id }, cancellationToken)).ConfigureAwait(false);
        }
        catch (VirtlabException)
        {
            try
            {
                await domain.Qmp.ObjectDelAsync("mem-" + id, cancellationToken).ConfigureAwait(false);
            }
            catch (QmpException e)
            {
                // The device_add error is the one to report; a backend left behind goes with QEMU.
                context.Log?.Invoke($"setmem {domain.Name}: could not remove backend mem-{id}: {e.Message}");
            }

            throw;
        }

        if (!await QmpCalls.WaitEventAsync(domain, ost, _options.PlugEventTimeout, cancellationToken).ConfigureAwait(false))
        {
            context.Log?.Invoke($"setmem {domain.Name}: no {ost.Description} within {_options.PlugEventTimeout.TotalSeconds:0} s; the guest may online it later");
        }
    }

    /// <summary>Unplugs DIMMs, newest first, while what remains stays at or above the target. A DIMM the guest will
    /// not give back (its memory cannot be offlined) stays, and the balloon covers the difference.</summary>
    private async Task<List<string>> UnplugDimmsAboveAsync(DomainObject domain, long pluggedKiB, long targetKiB, CancellationToken cancellationToken)
    {
        var messages = new List<string>();
        var dimms = (await QmpCalls.CallAsync(domain, c => c.QueryMemoryDevicesAsync(cancellationToken)).ConfigureAwait(false))
            .Select(d => d?["data"])
            .Where(d => d?["id"] is not null)
            .Select(d => (Id: d!["id"]!.GetValue<string>(), SizeKiB: d["size"]!.GetValue<long>() / 1024, Addr: d["addr"]?.GetValue<long>() ?? 0))
            .OrderByDescending(d => d.Addr)
            .ToList();
        foreach (var dimm in dimms)
        {
            if (pluggedKiB - dimm.SizeKiB < targetKiB)
            {
                break;
            }

            using var deleted = domain.Qmp.Subscribe(
                e => e.Name == "DEVICE_DELETED" && (e.Data?["device"]?.GetValue<string>() == dimm.Id || e.Data?["path"]?.GetValue<string>() == "/machine/peripheral/" + dimm.Id),
                $"DEVICE_DELETED for {dimm.Id}");
            await QmpCalls.CallAsync(domain, c => c.DeviceDelAsync(dimm.Id, cancellationToken)).ConfigureAwait(false);
            if (!await QmpCalls.WaitEventAsync(domain, deleted, _options.UnplugEventTimeout, cancellationToken).ConfigureAwait(false))
            {
                messages.Add($"the guest did not give back {dimm.Id} ({ByteSize.Format(dimm.SizeKiB)}) within {_options.UnplugEventTimeout.TotalSeconds:0} s (its memory could not be offlined); it stays plugged");
                break;
            }

            await QmpCalls.CallAsync(domain, c => c.ObjectDelAsync("mem-" + dimm.Id, cancellationToken)).ConfigureAwait(false);
            pluggedKiB -= dimm.SizeKiB;
            messages.Add($"unplugged {dimm.Id} ({ByteSize.Format(dimm.SizeKiB)})");
        }

        return messages;
    }

    /// <summary>Polls query-balloon until it is within 1 MiB of the target or the bound runs out; returns the last value.</summary>
    private async Task<long> WaitBalloonAsync(DomainObject domain, long targetKiB, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(_options.BalloonTimeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var actual = (await QmpCalls.CallAsync(domain, c => c.QueryBalloonAsync(cancellationToken)).ConfigureAwait(false)).Actual / 1024;
            if (Math.Abs(actual - targetKiB) < 1024 || Stopwatch.GetTimestamp() > deadline)
            {
                return actual;
            }

            await Task.Delay(25, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task WaitGuestMemTotalAsync(DomainObject domain, long atLeastKiB, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(_options.GuestMemoryTimeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var now = await TryMemInfoAsync(domain, cancellationToken).ConfigureAwait(false);
            if (now is null || now.MemTotalKiB >= atLeastKiB)
            {
                return;
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<GuestMemInfo?> TryMemInfoAsync(DomainObject domain, CancellationToken cancellationToken)
    {
        if (!domain.Definition.GuestAgent)
        {
            return null;
        }

        try
        {
            return await GuestAgent.MemInfoAsync(domain, _options.AgentStepTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (VirtlabException e) when (e.Kind is ErrorKind.AgentUnresponsive or ErrorKind.AgentError)
        {
            context.Log?.Invoke($"{domain.Name}: could not read the guest's /proc/meminfo: {e.Message}");
            return null;
        }
    }
}
