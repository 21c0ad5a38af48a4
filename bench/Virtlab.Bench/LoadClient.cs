using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Virtlab.Bench;

/// <summary>
/// One client of bench/load: its own keep-alive connection to the daemon's unix socket, a raw HTTP/1.1 GET
/// written and the whole reply read (headers, then Content-Length bytes or the chunks), asynchronously so that
/// 64 of them fit on a 2-core machine. A reply that is not 200, a closed connection or no reply within the
/// timeout is an error; the connection is then opened again for the next request.
/// </summary>
internal sealed class LoadClient : IDisposable
{
    private readonly string _socketPath;
    private byte[] _buffer = new byte[64 * 1024];
    private Socket? _socket;

    public LoadClient(string socketPath) => _socketPath = socketPath;

    /// <summary>The status and body of one GET; throws on a connection failure or a malformed reply.</summary>
    public async Task<(int Status, string Body)> GetAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await SendAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _socket?.Dispose();
            _socket = null;
            throw;
        }
    }

    public void Dispose() => _socket?.Dispose();

    private async Task<(int Status, string Body)> SendAsync(string path, CancellationToken cancellationToken)
    {
        if (_socket is null)
        {
            var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await s.ConnectAsync(new UnixDomainSocketEndPoint(_socketPath), cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                s.Dispose();
                throw;
            }

            _socket = s;
        }

        var request = Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: virtlabd\r\n\r\n");
        await _socket.SendAsync(request, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        var have = 0;
        int headerEnd;
        while ((headerEnd = _buffer.AsSpan(0, have).IndexOf("\r\n\r\n"u8)) < 0)
        {
            have += await ReceiveAsync(have, cancellationToken).ConfigureAwait(false);
        }

        var headers = Encoding.ASCII.GetString(_buffer, 0, headerEnd);
        var statusLine = headers.Split("\r\n")[0];
        var status = statusLine.Length >= 12 && int.TryParse(statusLine.AsSpan(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var code)
            ? code
            : throw new InvalidOperationException("not an HTTP status line: " + statusLine);
        var bodyStart = headerEnd + 4;
        var length = headers.Split("\r\n").FirstOrDefault(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        if (length is null)
        {
            // Transfer-Encoding: chunked: read until the last chunk, then keep the body raw (only errors are read).
            while (!_buffer.AsSpan(0, have).EndsWith("\r\n0\r\n\r\n"u8))
            {
                have += await ReceiveAsync(have, cancellationToken).ConfigureAwait(false);
            }

            return (status, Encoding.UTF8.GetString(_buffer, bodyStart, have - bodyStart));
        }

        var total = bodyStart + int.Parse(length[15..].Trim(), CultureInfo.InvariantCulture);
        while (have < total)
        {
            have += await ReceiveAsync(have, cancellationToken).ConfigureAwait(false);
        }

        return (status, Encoding.UTF8.GetString(_buffer, bodyStart, total - bodyStart));
    }

    private async Task<int> ReceiveAsync(int offset, CancellationToken cancellationToken)
    {
        if (offset == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        var n = await _socket!.ReceiveAsync(_buffer.AsMemory(offset), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        return n > 0 ? n : throw new InvalidOperationException("the daemon closed the connection");
    }
}
