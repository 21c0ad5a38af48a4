using System.Text.Json;
using System.Text.Json.Nodes;
using Virtlab.Domain.State;
using Virtlab.Engine.Domains;
using Virtlab.Qga;
using Virtlab.Qmp;

namespace Virtlab.Engine.Passthrough;

/// <summary>
/// virsh qemu-agent-command and qemu-monitor-command: a raw JSON request to the guest agent, or to QEMU through the
/// daemon's own monitor connection (QEMU serves one monitor client at a time, so nothing else may connect).
/// </summary>
public sealed class PassthroughService(EngineContext context)
{
    private static readonly JsonSerializerOptions IndentedJson = new() { WriteIndented = true };

    /// <summary>qemu-agent-command: the agent's whole reply. Allowed while a migration runs, as libvirt's agent jobs are.</summary>
    public async Task<string> AgentCommandAsync(string name, string json, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var domain = context.GetRunning(name);
        var request = ParseCommand(json, "qemu-agent-command");
        domain.EnsureAllowed(DomainAction.AgentCommand);
        var agent = await domain.AgentAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var reply = await agent.ExecuteRawAsync(request, timeout ?? context.Options.AgentCommandTimeout, cancellationToken).ConfigureAwait(false);
            return reply.ToJsonString(IndentedJson);
        }
        catch (GuestAgentException e) when (e.Kind == GuestAgentErrorKind.Unresponsive)
        {
            throw new VirtlabException(
                ErrorKind.AgentUnresponsive,
                $"guest agent of '{name}' is unresponsive ({e.Message}): is qemu-guest-agent running in the guest? The VM is unchanged; try again with a longer --timeout",
                e);
        }
        catch (GuestAgentException e)
        {
            throw new VirtlabException(ErrorKind.AgentError, $"guest agent of '{name}': {e.Message}", e);
        }
    }

    /// <summary>qemu-monitor-command: QEMU's whole reply. qmp_capabilities is the daemon's own business.</summary>
    public async Task<string> MonitorCommandAsync(string name, string json, CancellationToken cancellationToken)
    {
        var domain = context.GetRunning(name);
        var request = ParseCommand(json, "qemu-monitor-command");
        if (request["execute"]?.GetValue<string>() is "qmp_capabilities")
        {
            throw new VirtlabException(ErrorKind.InvalidInput, "qmp_capabilities is negotiated by the daemon already: send the command you want");
        }

        try
        {
            var reply = await domain.Qmp.ExecuteRawAsync(request, null, cancellationToken).ConfigureAwait(false);
            return reply.ToJsonString(IndentedJson);
        }
        catch (QmpException e)
        {
            throw new VirtlabException(ErrorKind.QemuError, $"QEMU monitor of '{name}': {e.Message}", e);
        }
    }

    internal static JsonObject ParseCommand(string? json, string what)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            throw new VirtlabException(ErrorKind.InvalidInput, $"{what}: no command: give the JSON, e.g. '{{\"execute\":\"guest-ping\"}}'");
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw new VirtlabException(ErrorKind.InvalidInput, $"{what}: not valid JSON ({e.Message}): give e.g. '{{\"execute\":\"guest-ping\"}}'");
        }

        if (node is not JsonObject obj || obj["execute"] is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
        {
            throw new VirtlabException(ErrorKind.InvalidInput, $"{what}: the JSON must be an object with an \"execute\" string, e.g. '{{\"execute\":\"guest-ping\"}}'");
        }

        return obj;
    }
}
