using Virtlab.Api;
using Virtlab.Engine.Migration;

namespace Virtlab.Daemon;

/// <summary>Live migration: virsh migrate / domjobinfo / domjobabort, and the destination-side calls a source daemon makes.</summary>
internal static class MigrationEndpoints
{
    public static void Map(RouteGroupBuilder v1, MigrationOutService migrationOut, MigrationInService migrationIn)
    {
        v1.MapPost("/domains/{name}/migrate", (string name, MigrateRequest req, CancellationToken ct) =>
            migrationOut.MigrateAsync(name, req, ct));

        v1.MapGet("/domains/{name}/jobinfo", (string name, bool? completed, CancellationToken ct) =>
            migrationOut.JobInfoAsync(name, completed ?? false, ct));

        v1.MapPost("/domains/{name}/jobabort", async (string name, CancellationToken ct) =>
        {
            await migrationOut.JobAbortAsync(name, ct).ConfigureAwait(false);
            return Results.NoContent();
        });

        v1.MapPost("/migration/incoming", (IncomingRequest req, CancellationToken ct) =>
            migrationIn.PrepareAsync(req, ct));

        v1.MapGet("/migration/incoming/{name}", (string name) => migrationIn.StatusOf(name));

        // What the path between two hosts carries: the source downloads this before a migration with --max-downtime.
        v1.MapGet("/migration/linkprobe", async (int? mib, HttpResponse response, CancellationToken ct) =>
        {
            var count = Math.Clamp(mib ?? 64, 1, 1024);
            response.ContentType = "application/octet-stream";
            response.ContentLength = count * (1L << 20);
            var chunk = new byte[1 << 20];
            for (var i = 0; i < count; i++)
            {
                await response.Body.WriteAsync(chunk, ct).ConfigureAwait(false);
            }
        });

        v1.MapPost("/domains/{name}/migrate-postcopy", (string name) =>
        {
            migrationOut.MigratePostcopy(name);
            return Results.NoContent();
        });

        v1.MapPost("/migration/incoming/{name}/finish", (string name, IncomingFinishRequest req, CancellationToken ct) =>
            migrationIn.FinishAsync(name, req, ct));

        v1.MapDelete("/migration/incoming/{name}", async (string name) =>
        {
            await migrationIn.AbortAsync(name).ConfigureAwait(false);
            return Results.NoContent();
        });
    }
}
