using Virtlab.Api;
using Virtlab.Domain.Xml;
using Virtlab.Engine;
using Virtlab.Engine.Host;
using Virtlab.Engine.Vms;

namespace Virtlab.Daemon;

/// <summary>Thin HTTP handlers: parse, call the engine, answer. No logic of their own.</summary>
internal static class Endpoints
{
    public static void Map(WebApplication app, VmManager vms, VirtlabPaths paths)
    {
        var v1 = app.MapGroup("/v1");

        v1.MapGet("/version", () => new VersionInfo(
            typeof(Endpoints).Assembly.GetName().Version?.ToString(3) ?? "0",
            QemuVersionOrProblem(vms),
            Environment.ProcessId,
            paths.Home));

        v1.MapGet("/capabilities", (CancellationToken ct) => vms.CapabilitiesAsync(ct));

        v1.MapPost("/daemon/stop", (IHostApplicationLifetime life) =>
        {
            life.StopApplication();
            return Results.Accepted();
        });

        v1.MapGet("/domains", (bool? all) => vms.List(all ?? false));

        v1.MapPost("/domains", async (CreateRequest req, CancellationToken ct) =>
        {
            var def = CreateRequestParser.Parse(req);
            var wait = req.WaitAgentSeconds is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;
            await vms.CreateAsync(def, wait, ct).ConfigureAwait(false);
            return Results.Json(await vms.InfoAsync(def.Name, ct).ConfigureAwait(false), ApiJsonContext.Default.DomainInfo, statusCode: 201);
        });

        v1.MapPost("/domains/define", (DefineRequest req) =>
        {
            var parsed = LibvirtDomainXml.Parse(req.Xml);
            if (parsed.Errors.Count > 0 || parsed.Definition is null)
            {
                throw new VirtlabException(parsed.Errors);
            }

            var def = vms.Define(parsed.Definition);
            return Results.Json(new DomainSummary(null, def.Name, "shut off"), ApiJsonContext.Default.DomainSummary, statusCode: 201);
        });

        v1.MapGet("/domains/{name}", (string name, CancellationToken ct) => vms.InfoAsync(name, ct));

        v1.MapGet("/domains/{name}/xml", (string name) => new TextReply(LibvirtDomainXml.Write(vms.GetDefinition(name))));

        v1.MapPost("/domains/{name}/start", async (string name, StartRequest? req, CancellationToken ct) =>
        {
            var wait = req?.WaitAgentSeconds is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;
            await vms.StartAsync(name, wait, ct).ConfigureAwait(false);
            return await vms.InfoAsync(name, ct).ConfigureAwait(false);
        });

        v1.MapPost("/domains/{name}/shutdown", async (string name, ShutdownRequest? req, CancellationToken ct) =>
        {
            var timeout = req?.TimeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;
            await vms.ShutdownAsync(name, timeout, ct).ConfigureAwait(false);
            return Results.NoContent();
        });

        v1.MapPost("/domains/{name}/destroy", async (string name, CancellationToken ct) =>
        {
            await vms.DestroyAsync(name, ct).ConfigureAwait(false);
            return Results.NoContent();
        });

        v1.MapDelete("/domains/{name}", (string name) =>
        {
            vms.Undefine(name);
            return Results.NoContent();
        });

        v1.MapGet("/domains/{name}/console", (string name) => new TextReply(vms.ConsoleLog(name)));

        v1.MapPost("/domains/{name}/agent-command", async (string name, JsonCommandRequest req, CancellationToken ct) =>
        {
            var timeout = req.TimeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;
            return new JsonCommandReply(await vms.AgentCommandAsync(name, req.Command, timeout, ct).ConfigureAwait(false));
        });

        v1.MapPost("/domains/{name}/monitor-command", async (string name, JsonCommandRequest req, CancellationToken ct) =>
            new JsonCommandReply(await vms.MonitorCommandAsync(name, req.Command, ct).ConfigureAwait(false)));

        CpuClockEndpoints.Map(v1, vms);
        MigrationEndpoints.Map(v1, vms);
        HotplugEndpoints.Map(v1, vms);
    }

    private static string QemuVersionOrProblem(VmManager vms)
    {
        try
        {
            return vms.Qemu.Version.ToString();
        }
        catch (VirtlabException e)
        {
            return "unavailable: " + e.Message;
        }
    }
}
