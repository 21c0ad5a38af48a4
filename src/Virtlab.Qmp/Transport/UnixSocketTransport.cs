using System.Net.Sockets;

namespace Virtlab.Qmp;

/// <summary>Transport layer: a connected unix stream socket, nothing else.</summary>
internal static class UnixSocketTransport
{
    public static async Task<Stream> ConnectAsync(string socketPath, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new QmpException(
                QmpErrorKind.ConnectFailed,
                $"cannot connect to the QMP socket {socketPath}: {e.Message} ({e.SocketErrorCode})",
                e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
