using Virtlab.Api;
using Virtlab.Engine.Domains;

namespace Virtlab.Engine.Guest;

/// <summary>
/// The guest's wall clock against the host's, through the agent: read (guest-get-time bracketed by two host
/// readings), set (guest-set-time), and the talk's "adjust for live migration downtime". Shared by the clock feature
/// and by migration, which corrects the clock after a switch-over.
/// </summary>
public static class GuestClock
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Guest minus the host's midpoint around one guest-get-time round trip.</summary>
    public static async Task<DomTimeReply> MeasureOffsetAsync(DomainObject domain, CancellationToken cancellationToken)
    {
        RefusePaused(domain);
        return await GuestAgent.CallAsync(domain, CallTimeout, async (agent, ct) =>
        {
            // The first call resyncs the agent; measure on the second, which is one round trip.
            _ = await agent.GetTimeAsync(ct).ConfigureAwait(false);
            var hostBefore = HostNowNs();
            var guest = await agent.GetTimeAsync(ct).ConfigureAwait(false);
            var hostAfter = HostNowNs();
            var host = hostBefore + ((hostAfter - hostBefore) / 2);
            return new DomTimeReply(guest, host, (guest - host) / 1e9, null);
        }, cancellationToken).ConfigureAwait(false);
    }

    public static async Task SetAsync(DomainObject domain, long ns, CancellationToken cancellationToken)
    {
        RefusePaused(domain);
        await GuestAgent.CallAsync(domain, CallTimeout, async (agent, ct) =>
        {
            await agent.SetTimeAsync(ns, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets the guest's clock from the host's if it is off by more than 10 ms; the offsets before and after.</summary>
    public static async Task<ClockReport> CorrectAsync(DomainObject domain, CancellationToken cancellationToken)
    {
        var before = (await MeasureOffsetAsync(domain, cancellationToken).ConfigureAwait(false)).OffsetSeconds * 1000;
        if (Math.Abs(before) <= 10)
        {
            return new ClockReport(before, before, false);
        }

        await SetAsync(domain, HostNowNs(), cancellationToken).ConfigureAwait(false);
        var after = (await MeasureOffsetAsync(domain, cancellationToken).ConfigureAwait(false)).OffsetSeconds * 1000;
        return new ClockReport(before, after, true);
    }

    /// <summary>The host's CLOCK_REALTIME in nanoseconds since 1970.</summary>
    public static long HostNowNs() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;

    private static void RefusePaused(DomainObject domain)
    {
        if (domain.Paused)
        {
            throw new VirtlabException(
                ErrorKind.InvalidState,
                $"domain '{domain.Name}' is paused, so its guest agent cannot answer: 'virtlab resume {domain.Name}' first");
        }
    }
}
