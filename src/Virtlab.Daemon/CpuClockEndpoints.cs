using Virtlab.Api;
using Virtlab.Engine.Vms;

namespace Virtlab.Daemon;

/// <summary>CPU models, host-vs-guest CPU, compatibility, PMU, clocks and time: thin handlers.</summary>
internal static class CpuClockEndpoints
{
    public static void Map(RouteGroupBuilder v1, VmManager vms)
    {
        v1.MapGet("/cpu/models", (bool? usable, CancellationToken ct) => vms.CpuModelListAsync(usable ?? false, ct));

        v1.MapGet("/cpu/models/{model}/expansion", (string model, CancellationToken ct) => vms.CpuModelExpandAsync(model, ct));

        v1.MapPost("/cpu/compare", (CpuCompareRequest req, CancellationToken ct) => vms.CpuCompareAsync(req, ct));

        v1.MapPost("/cpu/baseline", (CpuBaselineRequest req, CancellationToken ct) => vms.CpuBaselineAsync(req, ct));

        v1.MapGet("/domains/{name}/guest-cpuinfo", (string name, CancellationToken ct) => vms.GuestCpuInfoAsync(name, ct));

        v1.MapGet("/domains/{name}/guest-pmu", (string name, CancellationToken ct) => vms.GuestPmuAsync(name, ct));

        v1.MapGet("/domains/{name}/guest-clock", (string name, CancellationToken ct) => vms.GuestClockAsync(name, ct));

        v1.MapPost("/domains/{name}/domtime", (string name, DomTimeRequest req, CancellationToken ct) => vms.DomTimeAsync(name, req, ct));

        v1.MapPost("/domains/{name}/suspend", async (string name, CancellationToken ct) =>
        {
            await vms.SuspendAsync(name, ct).ConfigureAwait(false);
            return Results.NoContent();
        });

        v1.MapPost("/domains/{name}/resume", (string name, ResumeRequest? req, CancellationToken ct) =>
            vms.ResumeAsync(name, req?.SyncTime ?? false, ct));
    }
}
