using System.Net.Sockets;
using Virtlab.Wire;

namespace Virtlab.Qmp;

/// <summary>Transport layer: a connected unix stream socket; a failure is a <see cref="QmpErrorKind.ConnectFailed"/>.</summary>
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
            throw new QmpException(
                QmpErrorKind.ConnectFailed,
                $"cannot connect to the QMP socket {socketPath}: {e.Message} ({e.SocketErrorCode})",
                e);
        }
    }
}
