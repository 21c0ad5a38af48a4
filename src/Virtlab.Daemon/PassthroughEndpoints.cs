using Virtlab.Api;
using Virtlab.Engine.Passthrough;

namespace Virtlab.Daemon;

/// <summary>qemu-agent-command and qemu-monitor-command.</summary>
internal static class PassthroughEndpoints
{
    public static void Map(RouteGroupBuilder v1, PassthroughService passthrough)
    {
        v1.MapPost("/domains/{name}/agent-command", async (string name, JsonCommandRequest req, CancellationToken ct) =>
        {
            var timeout = req.TimeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;
            return new JsonCommandReply(await passthrough.AgentCommandAsync(name, req.Command, timeout, ct).ConfigureAwait(false));
        });

        v1.MapPost("/domains/{name}/monitor-command", async (string name, JsonCommandRequest req, CancellationToken ct) =>
            new JsonCommandReply(await passthrough.MonitorCommandAsync(name, req.Command, ct).ConfigureAwait(false)));
    }
}
