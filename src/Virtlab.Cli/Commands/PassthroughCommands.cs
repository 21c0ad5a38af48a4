using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Virtlab.Api;

namespace Virtlab.Cli.Commands;

internal static class PassthroughCommands
{
    public static Command AgentCommand()
    {
        var name = new Argument<string>("NAME");
        var json = new Argument<string>("JSON") { Description = "e.g. '{\"execute\":\"guest-get-vcpus\"}'" };
        var timeout = new Option<int?>("--timeout") { Description = "seconds to wait for the agent (default 30)" };
        var pretty = new Option<bool>("--pretty") { Description = "indent the reply" };
        var cmd = new Command("qemu-agent-command", "send a raw command to the guest agent (virsh qemu-agent-command)") { name, json, timeout, pretty };
        cmd.Handle(async (p, client, ct) =>
        {
            var reply = await client.PostAsync(
                $"v1/domains/{Uri.EscapeDataString(p.GetValue(name)!)}/agent-command",
                new JsonCommandRequest(p.GetValue(json)!, p.GetValue(timeout)),
                ApiJsonContext.Default.JsonCommandRequest,
                ApiJsonContext.Default.JsonCommandReply,
                ct).ConfigureAwait(false);
            Console.WriteLine(Format(reply.Reply, p.GetValue(pretty)));
        });
        return cmd;
    }

    public static Command MonitorCommand()
    {
        var name = new Argument<string>("NAME");
        var json = new Argument<string>("JSON") { Description = "e.g. '{\"execute\":\"query-status\"}'" };
        var pretty = new Option<bool>("--pretty") { Description = "indent the reply" };
        var cmd = new Command("qemu-monitor-command", "send a raw QMP command through the daemon's monitor connection") { name, json, pretty };
        cmd.Handle(async (p, client, ct) =>
        {
            var reply = await client.PostAsync(
                $"v1/domains/{Uri.EscapeDataString(p.GetValue(name)!)}/monitor-command",
                new JsonCommandRequest(p.GetValue(json)!),
                ApiJsonContext.Default.JsonCommandRequest,
                ApiJsonContext.Default.JsonCommandReply,
                ct).ConfigureAwait(false);
            Console.WriteLine(Format(reply.Reply, p.GetValue(pretty)));
        });
        return cmd;
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    private static string Format(string json, bool pretty) =>
        JsonNode.Parse(json)?.ToJsonString(pretty ? Indented : Compact) ?? json;
}
