using System.Net.Sockets;

namespace Virtlab.Qga;

/// <summary>Transport layer: a connected unix stream socket (the agent's virtio-serial chardev).</summary>
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
            throw new GuestAgentException(
                GuestAgentErrorKind.ConnectFailed,
                $"cannot connect to the guest agent socket {socketPath}: {e.Message} ({e.SocketErrorCode})",
                e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
