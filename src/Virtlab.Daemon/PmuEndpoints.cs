using Virtlab.Engine.Pmu;

namespace Virtlab.Daemon;

/// <summary>guest-pmu.</summary>
internal static class PmuEndpoints
{
    public static void Map(RouteGroupBuilder v1, PmuService pmu) =>
        v1.MapGet("/domains/{name}/guest-pmu", (string name, CancellationToken ct) => pmu.GuestPmuAsync(name, ct));
}
