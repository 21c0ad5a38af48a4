using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Virtlab.Api;
using Virtlab.Domain.Json;
using Virtlab.Engine.Host;
using Virtlab.Engine.Images;
using Virtlab.Engine.Migration;
using Virtlab.Qmp;

namespace Virtlab.Engine.Vms;

/// <summary>
/// Live migration, destination side: prepare (preflight, define, QEMU with <c>-incoming defer</c>,
/// <c>migrate-incoming</c>), finish (wait for RESUME, resync the agent, fix the clock) or abort
/// (kill the incoming QEMU, forget the definition). Only VMs this side prepared can be aborted.
/// </summary>
public sealed partial class VmManager
{
    private readonly ConcurrentDictionary<string, VmInstance> _incoming = new(StringComparer.Ordinal);

    public async Task<IncomingReply> PrepareIncomingAsync(IncomingRequest request, CancellationToken cancellationToken)
    {
        var def = DomainJson.Deserialize(request.DefinitionJson);
        var gate = DomainLock(def.Name);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var context = new MigrationPreflightContext(
                def,
                request.SourceCpu,
                HostCpu.Read(),
                request.SourceQemuVersion,
                Qemu.Version.ToString(),
                n => Store.FindDomain(n) is not null || _running.ContainsKey(n),
                ImageProblem);
            var devices = request.Devices ?? LiveDevices.None;
            var problems = MigrationPreflights.SelectMany(p => p.Check(context)).Concat(LiveDeviceProblems(def, devices)).ToList();
            if (problems.Count > 0)
            {
                throw new VirtlabException(ErrorKind.InvalidState, $"cannot take '{def.Name}' here: {string.Join("; ", problems)}");
            }

            if (Accel.Select(def.Accel).Name == "tcg")
            {
                Qemu.EnsureSafeFor("migrate-tcg");
            }

            Define(def);
            VmInstance? vm = null;
            try
            {
                vm = await LaunchAsync(def, cancellationToken, incoming: devices).ConfigureAwait(false);
                if (request.Postcopy)
                {
                    // Both sides need the capability before the stream starts; the destination then serves page faults.
                    await vm.Qmp.MigrateSetCapabilitiesAsync(new Dictionary<string, bool> { ["postcopy-ram"] = true }, cancellationToken).ConfigureAwait(false);
                }

                var uri = await ListenIncomingAsync(vm, cancellationToken).ConfigureAwait(false);
                _incoming[def.Name] = vm;
                Jobs.MarkIncoming(def.Name);
                Log?.Invoke($"incoming '{def.Name}': QEMU pid {vm.Process.Pid} waits on {uri}");
                return new IncomingReply(def.Name, uri, vm.Process.Pid);
            }
            catch
            {
                if (vm is not null)
                {
                    await KillIncomingAsync(vm).ConfigureAwait(false);
                }

                Store.RemoveDomain(def.Name);
                TryDeleteRunDir(Paths.VmRunDir(def.Name));
                throw;
            }
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task<IncomingFinishReply> FinishIncomingAsync(string name, IncomingFinishRequest request, CancellationToken cancellationToken)
    {
        if (!_incoming.TryGetValue(name, out var vm))
        {
            throw new VirtlabException(ErrorKind.NotFound, $"no incoming migration of '{name}' here");
        }

        // QEMU sends RESUME once the incoming side has loaded everything; wait for it (bounded).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        StatusInfo status;
        while (true)
        {
            status = await vm.Qmp.QueryStatusAsync(cancellationToken).ConfigureAwait(false);
            if (status.Running || DateTime.UtcNow > deadline || vm.Process.HasExited)
            {
                break;
            }

            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }

        if (!status.Running)
        {
            return new IncomingFinishReply(false, false, null, null, $"the incoming QEMU is '{status.Status}', not running, 30 s after the source completed");
        }

        _incoming.TryRemove(name, out _);
        Jobs.UnmarkIncoming(name);
        vm.Paused = false;
        Jobs.Save(name, request.Job with { Operation = "Incoming migration" });

        var agentOk = false;
        ClockReport? clock = null;
        GuestGapReport? gap = null;
        IntegrityReport? integrity = null;
        if (vm.Definition.GuestAgent)
        {
            try
            {
                await WaitForAgentAsync(vm, TimeSpan.FromSeconds(request.AgentTimeoutSeconds), cancellationToken).ConfigureAwait(false);
                agentOk = true;
                // The heartbeat first: the clock correction steps CLOCK_REALTIME, which it would record as a gap.
                if (request.Measure)
                {
                    gap = await ReadHeartbeatAsync(vm, cancellationToken).ConfigureAwait(false);
                }

                clock = await CorrectClockAsync(vm, cancellationToken).ConfigureAwait(false);
                if (request.Verify)
                {
                    integrity = await VerifyIntegrityAsync(vm, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (VirtlabException e)
            {
                Log?.Invoke($"incoming '{name}': guest agent after migration: {e.Message}");
            }
            catch (Virtlab.Qga.GuestAgentException e)
            {
                Log?.Invoke($"incoming '{name}': guest agent after migration: {e.Message}");
            }
        }

        Log?.Invoke($"incoming '{name}': running here now (agent {(agentOk ? "answers" : "does not answer")})");
        return new IncomingFinishReply(true, agentOk, clock, gap, null, integrity);
    }

    /// <summary>What this host holds of <paramref name="name"/>, for a source settling an interrupted migration.</summary>
    public IncomingStatus IncomingStatusOf(string name) =>
        new(name, _incoming.ContainsKey(name) ? "incoming" : _running.ContainsKey(name) ? "running" : "absent");

    /// <summary>Kills and forgets a VM this side prepared for an incoming migration; a no-op for any other VM.</summary>
    public async Task AbortIncomingAsync(string name)
    {
        if (!_incoming.TryRemove(name, out var vm))
        {
            return;
        }

        Jobs.UnmarkIncoming(name);
        await KillIncomingAsync(vm).ConfigureAwait(false);
        if (!_running.ContainsKey(name))
        {
            Store.RemoveDomain(name);
            TryDeleteRunDir(Paths.VmRunDir(name));
        }

        Log?.Invoke($"incoming '{name}': aborted, QEMU pid {vm.Process.Pid} gone, definition removed");
    }

    /// <summary>An incoming QEMU that exited on its own (the source went away, the stream was bad): the guest never
    /// ran here, so its definition goes too.</summary>
    private void ForgetIncomingThatDied(VmInstance vm)
    {
        var name = vm.Definition.Name;
        if (_incoming.TryGetValue(name, out var inc) && ReferenceEquals(inc, vm) && _incoming.TryRemove(name, out _))
        {
            Jobs.UnmarkIncoming(name);
            Store.RemoveDomain(name);
            TryDeleteRunDir(Paths.VmRunDir(name));
            Log?.Invoke($"incoming '{name}': its QEMU exited before the migration finished; definition removed");
        }
    }

    private async Task KillIncomingAsync(VmInstance vm)
    {
        if (!vm.Process.HasExited)
        {
            vm.Process.Signal(9);
        }

        await vm.Process.Exited.ConfigureAwait(false);
        await ForgetAsync(vm).ConfigureAwait(false);
    }

    /// <summary>migrate-incoming on a free TCP port of the listen address (retried if another process took it).</summary>
    private async Task<string> ListenIncomingAsync(VmInstance vm, CancellationToken cancellationToken)
    {
        var address = IPAddress.Parse(MigrationListenAddress);
        for (var attempt = 0; ; attempt++)
        {
            int port;
            using (var probe = new TcpListener(address, 0))
            {
                probe.Start();
                port = ((IPEndPoint)probe.LocalEndpoint).Port;
            }

            var host = address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
            var uri = string.Create(CultureInfo.InvariantCulture, $"tcp:{host}:{port}");
            try
            {
                await vm.Qmp.MigrateIncomingAsync(uri, cancellationToken).ConfigureAwait(false);
                return uri;
            }
            catch (QmpCommandException) when (attempt < 3)
            {
                // The port was taken between our probe and QEMU's bind: try another.
            }
        }
    }

    /// <summary>The source's hot-plugged devices come from another host: ids and drivers must be what Virtlab itself plugs.</summary>
    private static IEnumerable<string> LiveDeviceProblems(Virtlab.Domain.Definitions.DomainDefinition def, LiveDevices devices)
    {
        static bool IsId(string id) => id.Length is > 0 and <= 32 && char.IsAsciiLetter(id[0]) && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
        foreach (var c in devices.Vcpus.Where(c => !IsId(c.Id) || !c.Driver.EndsWith("-x86_64-cpu", StringComparison.Ordinal) || !IsId(c.Driver)))
        {
            yield return $"the source sent a hot-plugged vCPU Virtlab does not plug ('{c.Id}', driver '{c.Driver}')";
        }

        foreach (var d in devices.Dimms.Where(d => !IsId(d.Id) || d.SizeBytes <= 0 || d.Addr < 0 || d.Slot < 0))
        {
            yield return $"the source sent a DIMM Virtlab does not plug ('{d.Id}')";
        }

        if (devices.Vcpus.Count + def.Vcpus > def.MaxVcpus)
        {
            yield return $"the source runs {def.Vcpus + devices.Vcpus.Count} vCPUs, above the domain's maximum of {def.MaxVcpus}";
        }

        if (devices.Dimms.Count > 0 && def.MaxMemoryKiB is null)
        {
            yield return "the source has DIMMs plugged, but the definition has no maxmemory";
        }
    }

    private string? ImageProblem(Virtlab.Domain.Definitions.DomainDefinition def)
    {
        if (def.Os.Kernel is { } k)
        {
            return File.Exists(k) ? null : $"the kernel '{k}' is not present on the destination";
        }

        try
        {
            _ = GuestImage.Resolve(def.Os.Image, Paths.ImagesDir);
            return null;
        }
        catch (VirtlabException e)
        {
            return $"the guest image is not present on the destination ({e.Message})";
        }
    }

    /// <summary>The talk's "adjust for live migration downtime": guest wall clock vs host, set through the agent if off by more than 10 ms.</summary>
    private async Task<ClockReport> CorrectClockAsync(VmInstance vm, CancellationToken cancellationToken)
    {
        var before = (await MeasureOffsetAsync(vm, cancellationToken).ConfigureAwait(false)).OffsetSeconds * 1000;
        if (Math.Abs(before) <= 10)
        {
            return new ClockReport(before, before, false);
        }

        await SetGuestTimeAsync(vm, HostNowNs(), cancellationToken).ConfigureAwait(false);
        var after = (await MeasureOffsetAsync(vm, cancellationToken).ConfigureAwait(false)).OffsetSeconds * 1000;
        return new ClockReport(before, after, true);
    }
}
