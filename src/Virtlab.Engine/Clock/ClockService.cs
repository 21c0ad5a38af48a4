using System.Diagnostics;
using Virtlab.Api;
using Virtlab.Domain.State;
using Virtlab.Engine.Domains;
using Virtlab.Engine.Guest;

namespace Virtlab.Engine.Clock;

/// <summary>
/// Clocks and time: virsh's suspend, resume and domtime, and the guest's clocksource. A paused
/// guest's clocks stop with its vCPUs, so after a resume its wall clock lags the host by the pause
/// and does not catch up by itself (docs/CLOCKS.md); domtime --sync, or resume --sync-time, sets it.
/// </summary>
public sealed class ClockService(EngineContext context)
{
    private static readonly TimeSpan PauseEventTimeout = TimeSpan.FromSeconds(10);

    /// <summary>virsh suspend: QMP stop, then the STOP event.</summary>
    public async Task SuspendAsync(string name, CancellationToken cancellationToken)
    {
        var domain = context.GetRunning(name);
        using var job = domain.Job.Begin(DomainJobKind.Suspend);
        if (domain.Paused)
        {
            throw new VirtlabException(ErrorKind.InvalidState, $"domain '{name}' is already paused: 'virtlab resume {name}' runs it again");
        }

        domain.EnsureAllowed(DomainAction.Suspend);
        using var stopped = domain.Qmp.SubscribeToEvents("STOP");
        await domain.Qmp.StopAsync(cancellationToken).ConfigureAwait(false);
        await stopped.WaitAsync(PauseEventTimeout, cancellationToken).ConfigureAwait(false);
        domain.OnVcpusRunning(false);
        domain.SuspendedAt = Stopwatch.GetTimestamp();
    }

    /// <summary>virsh resume: QMP cont, then the RESUME event; with <paramref name="syncTime"/>, sets the guest clock from the host's.</summary>
    public async Task<ResumeReply> ResumeAsync(string name, bool syncTime, CancellationToken cancellationToken)
    {
        var domain = context.GetRunning(name);
        double? paused = null;
        using (domain.Job.Begin(DomainJobKind.Resume))
        {
            if (!domain.Paused)
            {
                throw new VirtlabException(ErrorKind.InvalidState, $"domain '{name}' is not paused");
            }

            domain.EnsureAllowed(DomainAction.Resume);
            using var resumed = domain.Qmp.SubscribeToEvents("RESUME");
            await domain.Qmp.ContAsync(cancellationToken).ConfigureAwait(false);
            await resumed.WaitAsync(PauseEventTimeout, cancellationToken).ConfigureAwait(false);
            domain.OnVcpusRunning(true);
            if (domain.SuspendedAt is { } at)
            {
                paused = Stopwatch.GetElapsedTime(at).TotalSeconds;
                domain.SuspendedAt = null;
            }
        }

        if (!syncTime || !domain.Definition.GuestAgent)
        {
            return new ResumeReply(paused, null, null);
        }

        var before = await GuestClock.MeasureOffsetAsync(domain, cancellationToken).ConfigureAwait(false);
        await GuestClock.SetAsync(domain, GuestClock.HostNowNs(), cancellationToken).ConfigureAwait(false);
        var after = await GuestClock.MeasureOffsetAsync(domain, cancellationToken).ConfigureAwait(false);
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

        var domain = context.GetRunning(name);
        if (!request.Sync && request.TimeSeconds is null)
        {
            return await GuestClock.MeasureOffsetAsync(domain, cancellationToken).ConfigureAwait(false);
        }

        using var job = domain.Job.Begin(DomainJobKind.DomTime);
        var before = await GuestClock.MeasureOffsetAsync(domain, cancellationToken).ConfigureAwait(false);
        await GuestClock.SetAsync(domain, request.TimeSeconds is { } s ? s * 1_000_000_000 : GuestClock.HostNowNs(), cancellationToken).ConfigureAwait(false);
        var after = await GuestClock.MeasureOffsetAsync(domain, cancellationToken).ConfigureAwait(false);
        return after with { OffsetBeforeSeconds = before.OffsetSeconds };
    }

    /// <summary>The guest's clocksource, TSC flags and offset, read through the agent.</summary>
    public async Task<GuestClockInfo> GuestClockAsync(string name, CancellationToken cancellationToken)
    {
        var domain = context.GetRunning(name);
        const string cs = "/sys/devices/system/clocksource/clocksource0/";
        var current = (await GuestAgent.RunAsync(domain, "/bin/cat", [cs + "current_clocksource"], context.Options.AgentCommandTimeout, cancellationToken).ConfigureAwait(false)).Stdout.Trim();
        var available = (await GuestAgent.RunAsync(domain, "/bin/cat", [cs + "available_clocksource"], context.Options.AgentCommandTimeout, cancellationToken).ConfigureAwait(false)).Stdout
            .Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var cpuinfo = await GuestAgent.RunAsync(domain, "/bin/cat", ["/proc/cpuinfo"], context.Options.AgentCommandTimeout, cancellationToken).ConfigureAwait(false);
        var flags = Host.HostCpu.Parse(cpuinfo.Stdout.Split('\n')).Flags.ToHashSet(StringComparer.Ordinal);
        var dmesg = await GuestAgent.RunAsync(domain, "/bin/dmesg", [], context.Options.AgentCommandTimeout, cancellationToken).ConfigureAwait(false);
        var kernel = dmesg.Stdout.Split('\n')
            .Where(l => l.Contains("Switched to clocksource", StringComparison.Ordinal) || l.Contains("tsc:", StringComparison.Ordinal) ||
                        l.Contains("TSC", StringComparison.Ordinal) || l.Contains("kvm-clock", StringComparison.Ordinal))
            .Select(l => l.Trim())
            .Take(12)
            .ToList();
        var offset = await GuestClock.MeasureOffsetAsync(domain, cancellationToken).ConfigureAwait(false);
        return new GuestClockInfo(
            name, domain.Accel.Name, current, available, available.Contains("kvm-clock") || current == "kvm-clock",
            flags.Contains("constant_tsc"), flags.Contains("nonstop_tsc"), flags.Contains("tsc_known_freq"),
            flags.Contains("constant_tsc") && flags.Contains("nonstop_tsc"), offset.OffsetSeconds, kernel);
    }
}
