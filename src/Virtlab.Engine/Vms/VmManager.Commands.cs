using System.Text.Json;
using System.Text.Json.Nodes;
using Virtlab.Qga;
using Virtlab.Qmp;

namespace Virtlab.Engine.Vms;

public sealed partial class VmManager
{
    /// <summary>virsh qemu-agent-command: a raw JSON request to the guest agent; returns the agent's whole reply.</summary>
    public async Task<string> AgentCommandAsync(string name, string json, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var vm = GetRunning(name);
        var request = ParseCommand(json, "qemu-agent-command");
        var agent = await vm.AgentAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var reply = await agent.ExecuteRawAsync(request, timeout ?? Options.AgentCommandTimeout, cancellationToken).ConfigureAwait(false);
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

    /// <summary>virsh qemu-monitor-command: a raw QMP request through the daemon's own monitor connection.</summary>
    public async Task<string> MonitorCommandAsync(string name, string json, CancellationToken cancellationToken)
    {
        var vm = GetRunning(name);
        var request = ParseCommand(json, "qemu-monitor-command");
        var cmd = request["execute"]?.GetValue<string>();
        if (cmd is "qmp_capabilities")
        {
            throw new VirtlabException(ErrorKind.InvalidInput, "qmp_capabilities is negotiated by the daemon already: send the command you want");
        }

        try
        {
            var reply = await vm.Qmp.ExecuteRawAsync(request, null, cancellationToken).ConfigureAwait(false);
            return reply.ToJsonString(IndentedJson);
        }
        catch (QmpException e)
        {
            throw new VirtlabException(ErrorKind.QemuError, $"QEMU monitor of '{name}': {e.Message}", e);
        }
    }

    private static readonly JsonSerializerOptions IndentedJson = new() { WriteIndented = true };

    private static JsonObject ParseCommand(string json, string what)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
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
