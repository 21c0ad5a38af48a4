using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Virtlab.Api;
using Virtlab.Domain.Sizes;
using Virtlab.Domain.Validation;
using Virtlab.Engine.Hotplug;
using Virtlab.Qmp;

namespace Virtlab.Engine.Vms;

/// <summary>virsh setmem --live and dommemstat: virtio-balloon below the plugged RAM, DIMM hot-plug above it.</summary>
public sealed partial class VmManager
{
    private const string BalloonPath = "/machine/peripheral/balloon0";
    private readonly ConcurrentDictionary<int, int> _statsPolling = new();

    /// <summary>
    /// setmem NAME SIZE --live. Above the RAM plugged now: a pc-dimm (whole 128 MiB blocks; the guest onlines it
    /// as movable memory). Below it: DIMMs that fit wholly above the target are unplugged, and the balloon takes the
    /// rest. Returns when query-balloon reaches the target ("completed") or, after <see cref="HotplugOptions.BalloonTimeout"/>,
    /// with the value reached ("partial"). A target below what the guest cannot give up is refused.
    /// </summary>
    public async Task<SetMemReply> SetMemLiveAsync(string name, string size, CancellationToken cancellationToken)
    {
        var vm = GetRunning(name);
        var def = vm.Definition;
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

        using var job = await TakeJobAsync(vm, "setmem", cancellationToken).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        await EnsureStatsPollingAsync(vm, cancellationToken).ConfigureAwait(false);
        var pluggedKiB = await PluggedRamKiBAsync(vm, cancellationToken).ConfigureAwait(false);
        var actualKiB = (await Qmp(vm, c => c.QueryBalloonAsync(cancellationToken)).ConfigureAwait(false)).Actual / 1024;
        var guest = await TryMemInfoAsync(vm, cancellationToken).ConfigureAwait(false);
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

            await PlugDimmAsync(vm, dimmKiB, cancellationToken).ConfigureAwait(false);
            messages.Add($"plugged a {ByteSize.Format(dimmKiB)} DIMM");
        }
        else if (targetKiB < pluggedKiB && await HasDimmsAsync(vm, cancellationToken).ConfigureAwait(false))
        {
            // Deflate first: a DIMM goes only once the guest has migrated everything out of it, and balloon pages
            // sitting in it need free memory elsewhere to move to (measured: with the balloon inflated the guest
            // could not offline the DIMM, and inflating further then OOM-killed it).
            await Qmp(vm, c => c.BalloonAsync(pluggedKiB * 1024, cancellationToken)).ConfigureAwait(false);
            await WaitBalloonAsync(vm, pluggedKiB, cancellationToken).ConfigureAwait(false);
            messages.AddRange(await UnplugDimmsAboveAsync(vm, pluggedKiB, targetKiB, cancellationToken).ConfigureAwait(false));

            // What the guest can give up has changed (and a refused eject may have offlined part of a DIMM): check
            // the floor again with fresh figures before inflating.
            var nowActual = (await Qmp(vm, c => c.QueryBalloonAsync(cancellationToken)).ConfigureAwait(false)).Actual / 1024;
            var nowGuest = await TryMemInfoAsync(vm, cancellationToken).ConfigureAwait(false);
            var nowFloor = nowGuest is null ? BalloonFloor.WithoutGuestFiguresKiB(pluggedKiB) : BalloonFloor.FloorKiB(nowActual, nowGuest);
            if (targetKiB < nowFloor)
            {
                messages.Add($"the balloon was left at {ByteSize.Format(nowActual)}: {ByteSize.Format(targetKiB)} is now below the guest's floor of {ByteSize.Format(nowFloor)}");
                var hp = await PluggedRamKiBAsync(vm, cancellationToken).ConfigureAwait(false) - def.MemoryKiB;
                return new SetMemReply("partial", targetKiB, nowActual, hp, nowGuest?.MemTotalKiB, nowGuest?.MemAvailableKiB, Seconds(started), string.Join("; ", messages));
            }
        }

        await Qmp(vm, c => c.BalloonAsync(targetKiB * 1024, cancellationToken)).ConfigureAwait(false);
        var reached = await WaitBalloonAsync(vm, targetKiB, cancellationToken).ConfigureAwait(false);
        if (dimmKiB > 0 && guest is not null)
        {
            await WaitGuestMemTotalAsync(vm, guest.MemTotalKiB + (dimmKiB / 2), cancellationToken).ConfigureAwait(false);
        }

        var after = await TryMemInfoAsync(vm, cancellationToken).ConfigureAwait(false);
        var hotplugged = await PluggedRamKiBAsync(vm, cancellationToken).ConfigureAwait(false) - def.MemoryKiB;
        var done = Math.Abs(reached - targetKiB) < 1024;
        if (!done)
        {
            messages.Add($"the balloon reached {ByteSize.Format(reached)} of {ByteSize.Format(targetKiB)} within {Hotplug.BalloonTimeout.TotalSeconds:0} s"
                + (def.Balloon.DeflateOnOom ? " (deflate-on-oom: the guest takes memory back under pressure)" : string.Empty));
        }

        return new SetMemReply(done ? "completed" : "partial", targetKiB, reached, hotplugged, after?.MemTotalKiB, after?.MemAvailableKiB,
            Seconds(started), messages.Count == 0 ? null : string.Join("; ", messages));
    }

    /// <summary>dommemstat: the balloon's guest statistics (polling switched on at first use), and QEMU's RSS.</summary>
    public async Task<MemStatInfo> MemStatAsync(string name, CancellationToken cancellationToken)
    {
        var vm = GetRunning(name);
        if (vm.Definition.Balloon is null)
        {
            throw new VirtlabException(ErrorKind.Unsupported, $"domain '{name}' has no balloon device: dommemstat reads balloon statistics");
        }

        var period = await EnsureStatsPollingAsync(vm, cancellationToken).ConfigureAwait(false);
        var actual = (await Qmp(vm, c => c.QueryBalloonAsync(cancellationToken)).ConfigureAwait(false)).Actual / 1024;
        var node = await Qmp(vm, c => c.QomGetAsync(BalloonPath, "guest-stats", cancellationToken)).ConfigureAwait(false);
        var stats = node?["stats"] as JsonObject;
        var lastUpdate = node?["last-update"]?.GetValue<long>();
        var guest = await TryMemInfoAsync(vm, cancellationToken).ConfigureAwait(false);
        return new MemStatInfo(
            actual,
            Kib(stats, "stat-swap-in"), Kib(stats, "stat-swap-out"), Stat(stats, "stat-major-faults"), Stat(stats, "stat-minor-faults"),
            Kib(stats, "stat-free-memory"), Kib(stats, "stat-total-memory"), Kib(stats, "stat-available-memory"), Kib(stats, "stat-disk-caches"),
            lastUpdate is > 0 ? lastUpdate : null, RssKiB(vm.Process.Pid), period, guest?.MemTotalKiB, guest?.MemAvailableKiB);
    }

    private static async Task<bool> HasDimmsAsync(VmInstance vm, CancellationToken cancellationToken) =>
        (await Qmp(vm, c => c.QueryMemoryDevicesAsync(cancellationToken)).ConfigureAwait(false)).Count > 0;

    /// <summary>Base RAM plus plugged DIMMs, in KiB.</summary>
    private static async Task<long> PluggedRamKiBAsync(VmInstance vm, CancellationToken cancellationToken)
    {
        var (baseMemory, plugged) = await Qmp(vm, c => c.QueryMemorySizeSummaryAsync(cancellationToken)).ConfigureAwait(false);
        return (baseMemory + plugged) / 1024;
    }

    private async Task<int> EnsureStatsPollingAsync(VmInstance vm, CancellationToken cancellationToken)
    {
        var period = vm.Definition.Balloon?.StatsPeriodSeconds is > 0 and var p ? p : 2;
        if (_statsPolling.TryGetValue(vm.Process.Pid, out var set) && set == period)
        {
            return period;
        }

        await Qmp(vm, c => c.QomSetAsync(BalloonPath, "guest-stats-polling-interval", JsonValue.Create(period), cancellationToken)).ConfigureAwait(false);
        _statsPolling[vm.Process.Pid] = period;
        return period;
    }

    private async Task PlugDimmAsync(VmInstance vm, long sizeKiB, CancellationToken cancellationToken)
    {
        var devices = await Qmp(vm, c => c.QueryMemoryDevicesAsync(cancellationToken)).ConfigureAwait(false);
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
                await vm.Qmp.ObjectAddAsync("memory-backend-ram", "mem-" + id, new JsonObject { ["size"] = sizeKiB * 1024 }, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (QmpCommandException e) when (e.Message.Contains("duplicate", StringComparison.Ordinal) && n < 256)
            {
                // A backend left from a DIMM removed outside Virtlab (qemu-monitor-command device_del): skip its id.
                n++;
            }
            catch (QmpException e)
            {
                throw new VirtlabException(ErrorKind.QemuError, $"QEMU of '{vm.Definition.Name}': {e.Message}", e);
            }
        }

        using var ost = vm.Qmp.Subscribe(
            e => e.Name == "ACPI_DEVICE_OST" && e.Data?["info"]?["device"]?.GetValue<string>() == id,
            $"ACPI_DEVICE_OST for {id}");
        try
        {
            await Qmp(vm, c => c.DeviceAddAsync(new JsonObject { ["driver"] = "pc-dimm", ["id"] = id, ["memdev"] = "mem-" + id }, cancellationToken)).ConfigureAwait(false);
        }
        catch (VirtlabException)
        {
            await vm.Qmp.ObjectDelAsync("mem-" + id, cancellationToken).ConfigureAwait(false);
            throw;
        }

        try
        {
            await ost.WaitAsync(Hotplug.PlugEventTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (QmpException e) when (e.Kind == QmpErrorKind.Timeout)
        {
            Log?.Invoke($"setmem {vm.Definition.Name}: {e.Message}; the guest may online it later");
        }
    }

    /// <summary>Unplugs DIMMs, newest first, while what remains stays at or above the target. A DIMM the guest will
    /// not give back (its memory cannot be offlined) stays, and the balloon covers the difference.</summary>
    private async Task<List<string>> UnplugDimmsAboveAsync(VmInstance vm, long pluggedKiB, long targetKiB, CancellationToken cancellationToken)
    {
        var messages = new List<string>();
        var dimms = (await Qmp(vm, c => c.QueryMemoryDevicesAsync(cancellationToken)).ConfigureAwait(false))
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

            using var deleted = vm.Qmp.Subscribe(
                e => e.Name == "DEVICE_DELETED" && (e.Data?["device"]?.GetValue<string>() == dimm.Id || e.Data?["path"]?.GetValue<string>() == "/machine/peripheral/" + dimm.Id),
                $"DEVICE_DELETED for {dimm.Id}");
            await Qmp(vm, c => c.DeviceDelAsync(dimm.Id, cancellationToken)).ConfigureAwait(false);
            try
            {
                await deleted.WaitAsync(Hotplug.UnplugEventTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (QmpException e) when (e.Kind == QmpErrorKind.Timeout)
            {
                messages.Add($"the guest did not give back {dimm.Id} ({ByteSize.Format(dimm.SizeKiB)}) within {Hotplug.UnplugEventTimeout.TotalSeconds:0} s (its memory could not be offlined); it stays plugged");
                break;
            }

            await Qmp(vm, c => c.ObjectDelAsync("mem-" + dimm.Id, cancellationToken)).ConfigureAwait(false);
            pluggedKiB -= dimm.SizeKiB;
            messages.Add($"unplugged {dimm.Id} ({ByteSize.Format(dimm.SizeKiB)})");
        }

        return messages;
    }

    /// <summary>Polls query-balloon until it is within 1 MiB of the target or the bound runs out; returns the last value.</summary>
    private async Task<long> WaitBalloonAsync(VmInstance vm, long targetKiB, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(Hotplug.BalloonTimeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var actual = (await Qmp(vm, c => c.QueryBalloonAsync(cancellationToken)).ConfigureAwait(false)).Actual / 1024;
            if (Math.Abs(actual - targetKiB) < 1024 || Stopwatch.GetTimestamp() > deadline)
            {
                return actual;
            }

            await Task.Delay(25, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task WaitGuestMemTotalAsync(VmInstance vm, long atLeastKiB, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(Hotplug.GuestMemoryTimeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var now = await TryMemInfoAsync(vm, cancellationToken).ConfigureAwait(false);
            if (now is null || now.MemTotalKiB >= atLeastKiB)
            {
                return;
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<GuestMemInfo?> TryMemInfoAsync(VmInstance vm, CancellationToken cancellationToken)
    {
        if (!vm.Definition.GuestAgent)
        {
            return null;
        }

        try
        {
            return await GuestAgentCalls.MemInfoAsync(vm, Hotplug.AgentStepTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (VirtlabException e) when (e.Kind is ErrorKind.AgentUnresponsive or ErrorKind.AgentError)
        {
            Log?.Invoke($"{vm.Definition.Name}: could not read the guest's /proc/meminfo: {e.Message}");
            return null;
        }
    }

    private static long? Stat(JsonObject? stats, string key) =>
        stats?[key]?.GetValue<long>() is { } v && v >= 0 ? v : null;

    private static long? Kib(JsonObject? stats, string key) => Stat(stats, key) is { } v ? v / 1024 : null;

    private static long? RssKiB(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
        }

        return null;
    }
}
