using System.Text.Json.Nodes;
using Virtlab.Api;
using Virtlab.Engine.Domains;
using Virtlab.Engine.Guest;

namespace Virtlab.Engine.Hotplug;

/// <summary>guest-view / guest-watch: what an application inside the guest sees (the talk's "the number of CPUs can
/// change at any time"), read by the in-guest probe (<c>virtlab-probe info</c>) through the agent.</summary>
public sealed class GuestViewService(EngineContext context, HotplugOptions options)
{
    private readonly HotplugOptions _options = options;

    public async Task<GuestViewInfo> GuestViewAsync(string name, CancellationToken cancellationToken)
    {
        var domain = context.GetRunning(name);
        var result = await GuestAgent.CallAsync(domain, _options.AgentStepTimeout,
            (a, ct) => a.RunAsync("/usr/bin/virtlab-probe", ["info"], _options.AgentStepTimeout, ct), cancellationToken).ConfigureAwait(false);
        try
        {
            var j = JsonNode.Parse(result.Stdout)!;
            return new GuestViewInfo(
                j["nproc"]!.GetValue<long>(), j["affinity"]!.GetValue<int>(), j["online"]!.GetValue<string>(), j["present"]!.GetValue<string>(),
                j["memtotal_kib"]!.GetValue<long>(), j["memavailable_kib"]!.GetValue<long>(), j["uptime_s"]!.GetValue<double>());
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or NullReferenceException or InvalidOperationException)
        {
            throw new VirtlabException(ErrorKind.AgentError, $"virtlab-probe info in '{name}' printed something unexpected: {result.Stdout.Trim()} {result.Stderr.Trim()}", e);
        }
    }
}
