using Virtlab.Engine;
using Virtlab.Engine.Host;

namespace Virtlab.Daemon;

/// <summary>
/// The daemon's API: one endpoints class per feature, each mapping to that feature's service and nothing else
/// (parse, call one service method, answer; errors go through <see cref="ErrorMapping"/>).
/// </summary>
internal static class Endpoints
{
    public static void Map(WebApplication app, VirtlabEngine engine, VirtlabPaths paths)
    {
        var v1 = app.MapGroup("/v1");
        v1.MapPost("/daemon/stop", (IHostApplicationLifetime life) =>
        {
            life.StopApplication();
            return Results.Accepted();
        });

        CapabilitiesEndpoints.Map(v1, engine.Capabilities, paths);
        LifecycleEndpoints.Map(v1, engine.Lifecycle, engine.Cluster, engine.Placement);
        PassthroughEndpoints.Map(v1, engine.Passthrough);
        HotplugEndpoints.Map(v1, engine.Vcpus, engine.GuestVcpus, engine.Memory, engine.AutoBalloon, engine.GuestView);
        CpuEndpoints.Map(v1, engine.Cpu);
        PmuEndpoints.Map(v1, engine.Pmu);
        ClockEndpoints.Map(v1, engine.Clock);
        MigrationEndpoints.Map(v1, engine.MigrationOut, engine.MigrationIn);
        ClusterEndpoints.Map(v1, engine.Cluster, engine.Placement, engine.Evacuation);
    }
}
