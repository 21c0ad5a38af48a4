using Virtlab.Api;
using Virtlab.Engine.Cpu;

namespace Virtlab.Daemon;

/// <summary>cpu-models, cpu-model-expand, cpu-compare, cpu-baseline, guest-cpuinfo.</summary>
internal static class CpuEndpoints
{
    public static void Map(RouteGroupBuilder v1, CpuModelService cpu)
    {
        v1.MapGet("/cpu/models", (bool? usable, CancellationToken ct) => cpu.CpuModelListAsync(usable ?? false, ct));

        v1.MapGet("/cpu/models/{model}/expansion", (string model, CancellationToken ct) => cpu.CpuModelExpandAsync(model, ct));

        v1.MapPost("/cpu/compare", (CpuCompareRequest req, CancellationToken ct) => cpu.CpuCompareAsync(req, ct));

        v1.MapPost("/cpu/baseline", (CpuBaselineRequest req, CancellationToken ct) => cpu.CpuBaselineAsync(req, ct));

        v1.MapGet("/domains/{name}/guest-cpuinfo", (string name, CancellationToken ct) => cpu.GuestCpuInfoAsync(name, ct));
    }
}
