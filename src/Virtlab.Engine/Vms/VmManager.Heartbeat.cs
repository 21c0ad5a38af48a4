using System.Text.Json.Nodes;
using Virtlab.Api;

namespace Virtlab.Engine.Vms;

/// <summary>
/// The guest-visible downtime: <c>virtlab-probe heartbeat</c> writes CLOCK_MONOTONIC and
/// CLOCK_REALTIME stamps every 10 ms to /run/virtlab-heartbeat.log in the guest;
/// <c>virtlab-probe heartbeat-report</c> stops it and prints the largest gap between stamps.
/// </summary>
public sealed partial class VmManager
{
    private const string HeartbeatLog = "/run/virtlab-heartbeat.log";

    private static async Task StartHeartbeatAsync(VmInstance vm, CancellationToken cancellationToken)
    {
        var agent = await vm.AgentAsync(cancellationToken).ConfigureAwait(false);
        var r = await agent.RunAsync(
            "/bin/sh",
            ["-c", $"virtlab-probe heartbeat 10 {HeartbeatLog} >/dev/null 2>&1 </dev/null &"],
            TimeSpan.FromSeconds(20),
            cancellationToken).ConfigureAwait(false);
        if (r.ExitCode != 0)
        {
            throw new VirtlabException(ErrorKind.AgentError, $"could not start the heartbeat in the guest (exit {r.ExitCode}): is the image's virtlab-probe new enough? ('make image')");
        }

        // Let it write a few stamps before the migration starts.
        await Task.Delay(300, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<GuestGapReport?> ReadHeartbeatAsync(VmInstance vm, CancellationToken cancellationToken)
    {
        var agent = await vm.AgentAsync(cancellationToken).ConfigureAwait(false);
        await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        var r = await agent.RunAsync("/usr/bin/virtlab-probe", ["heartbeat-report", HeartbeatLog], TimeSpan.FromSeconds(20), cancellationToken).ConfigureAwait(false);
        var line = r.Stdout.Trim();
        if (r.ExitCode != 0 || string.IsNullOrEmpty(line))
        {
            return null;
        }

        var o = JsonNode.Parse(line)!;
        return new GuestGapReport(
            o["max_gap_ms"]!.GetValue<double>(),
            o["max_gap_realtime_ms"]!.GetValue<double>(),
            o["stamps"]!.GetValue<int>(),
            o["gap_at_unix_ms"]?.GetValue<double>());
    }
}
