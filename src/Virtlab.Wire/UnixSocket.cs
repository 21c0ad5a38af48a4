using System.Net.Sockets;

namespace Virtlab.Wire;

/// <summary>Transport: a connected unix stream socket, nothing else. Failures surface as <see cref="SocketException"/>.</summary>
public static class UnixSocket
{
    public static async Task<Stream> ConnectAsync(string socketPath, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
