using System.Net.Sockets;

namespace Virtlab.Daemon;

internal static class DaemonProbe
{
    /// <summary>True when something accepts connections on the daemon socket.</summary>
    public static async Task<bool> IsAnsweringAsync(string socketPath)
    {
        if (!File.Exists(socketPath))
        {
            return false;
        }

        using var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await s.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cts.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
