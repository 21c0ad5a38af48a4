using System.Collections.Concurrent;
using System.Diagnostics;
using Virtlab.Api;
using Virtlab.Qga;

namespace Virtlab.Engine.Vms;

/// <summary>
/// Clocks and time: virsh's suspend, resume and domtime, and the guest's clocksource. A paused
/// guest's clocks stop with its vCPUs, so after a resume its wall clock lags the host by the pause
/// and does not catch up by itself (docs/CLOCKS.md); domtime --sync, or resume --sync-time, sets it.
/// </summary>
public sealed partial class VmManager
{
    private static readonly TimeSpan PauseEventTimeout = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, long> _pausedAt = new(StringComparer.Ordinal);

    /// <summary>virsh suspend: QMP stop, then the STOP event.</summary>
    public async Task SuspendAsync(string name, CancellationToken cancellationToken)
    {
        var vm = GetRunning(name);
        await TakePauseJobAsync(vm, "suspend", cancellationToken).ConfigureAwait(false);
        try
        {
            if (vm.Paused)
            {
                throw new VirtlabException(ErrorKind.InvalidState, $"domain '{name}' is already paused: 'virtlab resume {name}' runs it again");
            }

            using var stopped = vm.Qmp.SubscribeToEvents("STOP");
            await vm.Qmp.StopAsync(cancellationToken).ConfigureAwait(false);
            await stopped.WaitAsync(PauseEventTimeout, cancellationToken).ConfigureAwait(false);
            vm.Paused = true;
            _pausedAt[name] = Stopwatch.GetTimestamp();
        }
        finally
        {
            vm.Job.Release();
        }
    }

    /// <summary>virsh resume: QMP cont, then the RESUME event; with <paramref name="syncTime"/>, sets the guest clock from the host's.</summary>
    public async Task<ResumeReply> ResumeAsync(string name, bool syncTime, CancellationToken cancellationToken)
    {
        var vm = GetRunning(name);
        await TakePauseJobAsync(vm, "resume", cancellationToken).ConfigureAwait(false);
        double? paused = null;
        try
        {
            if (!vm.Paused)
            {
                throw new VirtlabException(ErrorKind.InvalidState, $"domain '{name}' is not paused");
            }

            using var resumed = vm.Qmp.SubscribeToEvents("RESUME");
            await vm.Qmp.ContAsync(cancellationToken).ConfigureAwait(false);
            await resumed.WaitAsync(PauseEventTimeout, cancellationToken).ConfigureAwait(false);
            vm.Paused = false;
            if (_pausedAt.TryRemove(name, out var at))
            {
                paused = Stopwatch.GetElapsedTime(at).TotalSeconds;
            }
        }
        finally
        {
            vm.Job.Release();
        }

        if (!syncTime || !vm.Definition.GuestAgent)
        {
            return new ResumeReply(paused, null, null);
        }

        var before = await MeasureOffsetAsync(vm, cancellationToken).ConfigureAwait(false);
        await SetGuestTimeAsync(vm, HostNowNs(), cancellationToken).ConfigureAwait(false);
        var after = await MeasureOffsetAsync(vm, cancellationToken).ConfigureAwait(false);
        return new ResumeReply(paused, before.OffsetSeconds, after.OffsetSeconds);
    }

    /// <summary>virsh domtime: reads the guest's clock (guest-get-time), or sets it from the host's (--sync) or to a given time.</summary>
    public async Task<DomTimeReply> DomTimeAsync(string name, DomTimeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Sync && request.TimeSeconds is not null)
        {
            throw new VirtlabException(ErrorKind.InvalidInput, "domtime: give --sync or --time, not both");
        }

        if (request.TimeSeconds is { } t && (t < 0 || t > 4_102_444_800))
        {
            throw new VirtlabException(ErrorKind.InvalidInput, $"domtime --time {t}: give seconds since 1970-01-01 UTC, before the year 2100");
        }

        var vm = GetRunning(name);
        if (!request.Sync && request.TimeSeconds is null)
        {
            return await MeasureOffsetAsync(vm, cancellationToken).ConfigureAwait(false);
        }

        var before = await MeasureOffsetAsync(vm, cancellationToken).ConfigureAwait(false);
        await SetGuestTimeAsync(vm, request.TimeSeconds is { } s ? s * 1_000_000_000 : HostNowNs(), cancellationToken).ConfigureAwait(false);
        var after = await MeasureOffsetAsync(vm, cancellationToken).ConfigureAwait(false);
        return after with { OffsetBeforeSeconds = before.OffsetSeconds };
    }

    /// <summary>The guest's clocksource, TSC flags and offset, read through the agent.</summary>
    public async Task<GuestClockInfo> GuestClockAsync(string name, CancellationToken cancellationToken)
    {
        var vm = GetRunning(name);
        const string cs = "/sys/devices/system/clocksource/clocksource0/";
        var current = (await GuestProgramAsync(vm, "/bin/cat", [cs + "current_clocksource"], cancellationToken).ConfigureAwait(false)).Stdout.Trim();
        var available = (await GuestProgramAsync(vm, "/bin/cat", [cs + "available_clocksource"], cancellationToken).ConfigureAwait(false)).Stdout
            .Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var cpuinfo = await GuestProgramAsync(vm, "/bin/cat", ["/proc/cpuinfo"], cancellationToken).ConfigureAwait(false);
        var flags = Host.HostCpu.Parse(cpuinfo.Stdout.Split('\n')).Flags.ToHashSet(StringComparer.Ordinal);
        var dmesg = await GuestProgramAsync(vm, "/bin/dmesg", [], cancellationToken).ConfigureAwait(false);
        var kernel = dmesg.Stdout.Split('\n')
            .Where(l => l.Contains("Switched to clocksource", StringComparison.Ordinal) || l.Contains("tsc:", StringComparison.Ordinal) ||
                        l.Contains("TSC", StringComparison.Ordinal) || l.Contains("kvm-clock", StringComparison.Ordinal))
            .Select(l => l.Trim())
            .Take(12)
            .ToList();
        var offset = await MeasureOffsetAsync(vm, cancellationToken).ConfigureAwait(false);
        return new GuestClockInfo(
            name, vm.Accel.Name, current, available, available.Contains("kvm-clock") || current == "kvm-clock",
            flags.Contains("constant_tsc"), flags.Contains("nonstop_tsc"), flags.Contains("tsc_known_freq"),
            flags.Contains("constant_tsc") && flags.Contains("nonstop_tsc"), offset.OffsetSeconds, kernel);
    }

    /// <summary>guest-get-time bracketed by two host readings: guest minus the host's midpoint.</summary>
    private async Task<DomTimeReply> MeasureOffsetAsync(VmInstance vm, CancellationToken cancellationToken)
    {
        var agent = await GuestAgentForReportAsync(vm, cancellationToken).ConfigureAwait(false);
        try
        {
            // The first call resyncs the agent; measure on the second, which is one round trip.
            _ = await agent.GetTimeAsync(cancellationToken).ConfigureAwait(false);
            var hostBefore = HostNowNs();
            var guest = await agent.GetTimeAsync(cancellationToken).ConfigureAwait(false);
            var hostAfter = HostNowNs();
            var host = hostBefore + ((hostAfter - hostBefore) / 2);
            return new DomTimeReply(guest, host, (guest - host) / 1e9, null);
        }
        catch (GuestAgentException e)
        {
            throw AgentFailure(vm, e);
        }
    }

    private async Task SetGuestTimeAsync(VmInstance vm, long ns, CancellationToken cancellationToken)
    {
        var agent = await GuestAgentForReportAsync(vm, cancellationToken).ConfigureAwait(false);
        try
        {
            await agent.SetTimeAsync(ns, cancellationToken).ConfigureAwait(false);
        }
        catch (GuestAgentException e)
        {
            throw AgentFailure(vm, e);
        }
    }

    private static long HostNowNs() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;

    private static async Task TakePauseJobAsync(VmInstance vm, string what, CancellationToken cancellationToken)
    {
        if (!await vm.Job.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false))
        {
            throw new VirtlabException(ErrorKind.Busy, $"domain '{vm.Definition.Name}' is busy with another job; {what} was not done: try again when it finishes");
        }
    }
}
