using System.Net.Sockets;
using Virtlab.Wire;

namespace Virtlab.Qga;

/// <summary>Transport layer: a connected unix stream socket (the agent's virtio-serial chardev); a failure is a <see cref="GuestAgentErrorKind.ConnectFailed"/>.</summary>
internal static class UnixSocketTransport
{
    public static async Task<Stream> ConnectAsync(string socketPath, CancellationToken cancellationToken)
    {
        try
        {
            return await UnixSocket.ConnectAsync(socketPath, cancellationToken);
        }
        catch (SocketException e)
        {
            throw new GuestAgentException(
                GuestAgentErrorKind.ConnectFailed,
                $"cannot connect to the guest agent socket {socketPath}: {e.Message} ({e.SocketErrorCode})",
                e);
        }
    }
}
