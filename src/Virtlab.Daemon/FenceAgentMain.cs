using Virtlab.Engine.Cluster;
using Virtlab.Qmp;

namespace Virtlab.Daemon;

/// <summary>
/// <c>virtlabd --fence-agent LOG</c>: the child that pauses this host's VMs when the daemon's pipe closes
/// (<see cref="FenceAgent"/>). It reads the QMP sockets to watch from stdin; at end of input it connects to each one
/// (QEMU accepts a new monitor client once the daemon's is closed) and sends <c>stop</c>; then it exits.
/// </summary>
internal static class FenceAgentMain
{
    public static async Task<int> RunAsync(string logPath)
    {
        IReadOnlyList<string> watched = [];
        while (await Console.In.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (line == FenceAgent.StandDown)
            {
                return 0;
            }

            if (line.StartsWith("WATCH", StringComparison.Ordinal))
            {
                watched = line.Split('\t', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
            }
        }

        await using var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        await log.WriteLineAsync($"{DateTimeOffset.UtcNow:O} the daemon went away: pausing {watched.Count} VM(s)").ConfigureAwait(false);
        foreach (var socket in watched)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await using var qmp = await QmpClient.ConnectAsync(socket, new QmpClientOptions { GreetingTimeout = TimeSpan.FromSeconds(3), CommandTimeout = TimeSpan.FromSeconds(3) }, timeout.Token).ConfigureAwait(false);
                await qmp.StopAsync(timeout.Token).ConfigureAwait(false);
                await log.WriteLineAsync($"{DateTimeOffset.UtcNow:O} paused {socket}").ConfigureAwait(false);
            }
            catch (Exception e) when (e is QmpException or OperationCanceledException or IOException)
            {
                await log.WriteLineAsync($"{DateTimeOffset.UtcNow:O} could not pause {socket}: {e.Message}").ConfigureAwait(false);
            }
        }

        return 0;
    }
}
