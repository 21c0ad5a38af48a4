using Virtlab.Api;
using Virtlab.Domain.Xml;
using Virtlab.Engine;
using Virtlab.Engine.Cluster;
using Virtlab.Engine.Lifecycle;

namespace Virtlab.Daemon;

/// <summary>create, define, start, shutdown, destroy, undefine, list, dominfo, dumpxml, console.</summary>
internal static class LifecycleEndpoints
{
    public static void Map(RouteGroupBuilder v1, LifecycleService lifecycle, ClusterService cluster, PlacementService placement)
    {
        v1.MapGet("/domains", (bool? all) => lifecycle.List(all ?? false));

        v1.MapPost("/domains", async (CreateRequest req, CancellationToken ct) =>
        {
            var def = CreateRequestParser.Parse(req);
            if ((req.Cluster || req.Host is not null) && await placement.CreatePlacedAsync(req, def, ct).ConfigureAwait(false) is { } elsewhere)
            {
                return Results.Json(elsewhere, ApiJsonContext.Default.DomainInfo, statusCode: 201);
            }

            await lifecycle.CreateAsync(def, Seconds(req.WaitAgentSeconds), ct).ConfigureAwait(false);
            return Results.Json(await lifecycle.InfoAsync(def.Name, ct).ConfigureAwait(false), ApiJsonContext.Default.DomainInfo, statusCode: 201);
        });

        v1.MapPost("/domains/define", async (DefineRequest req, CancellationToken ct) =>
        {
            var parsed = DefineRequestParser.Parse(req);
            var summary = req.Cluster || req.Host is not null
                ? await placement.DefinePlacedAsync(req, parsed, ct).ConfigureAwait(false)
                : new DomainSummary(null, lifecycle.Define(parsed).Name, "shut off", cluster.HostId);
            return Results.Json(summary, ApiJsonContext.Default.DomainSummary, statusCode: 201);
        });

        v1.MapGet("/domains/{name}", (string name, CancellationToken ct) => lifecycle.InfoAsync(name, ct));

        v1.MapGet("/domains/{name}/xml", (string name) => new TextReply(LibvirtDomainXml.Write(lifecycle.GetDefinition(name))));

        v1.MapPost("/domains/{name}/start", async (string name, StartRequest? req, CancellationToken ct) =>
        {
            await lifecycle.StartAsync(name, Seconds(req?.WaitAgentSeconds), ct).ConfigureAwait(false);
            return await lifecycle.InfoAsync(name, ct).ConfigureAwait(false);
        });

        v1.MapPost("/domains/{name}/shutdown", async (string name, ShutdownRequest? req, CancellationToken ct) =>
        {
            await lifecycle.ShutdownAsync(name, Seconds(req?.TimeoutSeconds), ct).ConfigureAwait(false);
            return Results.NoContent();
        });

        v1.MapPost("/domains/{name}/destroy", async (string name, CancellationToken ct) =>
        {
            await lifecycle.DestroyAsync(name, ct).ConfigureAwait(false);
            return Results.NoContent();
        });

        v1.MapDelete("/domains/{name}", (string name) =>
        {
            lifecycle.Undefine(name);
            return Results.NoContent();
        });

        v1.MapGet("/domains/{name}/console", (string name) => new TextReply(lifecycle.ConsoleLog(name)));
    }

    private static TimeSpan? Seconds(int? s) => s is { } v ? TimeSpan.FromSeconds(v) : null;
}
