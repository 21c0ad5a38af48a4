using Virtlab.Api;
using Virtlab.Engine.Clock;

namespace Virtlab.Daemon;

/// <summary>suspend, resume, domtime, guest-clock.</summary>
internal static class ClockEndpoints
{
    public static void Map(RouteGroupBuilder v1, ClockService clock)
    {
        v1.MapGet("/domains/{name}/guest-clock", (string name, CancellationToken ct) => clock.GuestClockAsync(name, ct));

        v1.MapPost("/domains/{name}/domtime", (string name, DomTimeRequest req, CancellationToken ct) => clock.DomTimeAsync(name, req, ct));

        v1.MapPost("/domains/{name}/suspend", async (string name, CancellationToken ct) =>
        {
            await clock.SuspendAsync(name, ct).ConfigureAwait(false);
            return Results.NoContent();
        });

        v1.MapPost("/domains/{name}/resume", (string name, ResumeRequest? req, CancellationToken ct) =>
            clock.ResumeAsync(name, req?.SyncTime ?? false, ct));
    }
}
