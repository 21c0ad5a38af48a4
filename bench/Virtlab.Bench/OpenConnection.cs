using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Virtlab.Bench;

/// <summary>
/// The daemon's reply time on one open keep-alive connection: a raw HTTP/1.1 GET written to the unix
/// socket and its whole reply read (headers, then Content-Length bytes or the chunks). No HTTP client library of
/// ours in between, so what is timed is the socket round trip and the daemon's own work.
/// </summary>
internal sealed class OpenConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[64 * 1024];

    public OpenConnection(string socketPath)
    {
        _socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _socket.Connect(new UnixDomainSocketEndPoint(socketPath));
    }

    /// <summary>Per-request times in ms after <paramref name="warmup"/> untimed requests.</summary>
    public List<double> Time(string path, int count, int warmup)
    {
        var request = Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: virtlabd\r\n\r\n");
        var times = new List<double>(count);
        for (var i = 0; i < warmup + count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            Get(request);
            if (i >= warmup)
            {
                times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }

        return times;
    }

    public void Dispose() => _socket.Dispose();

    private void Get(byte[] request)
    {
        _socket.Send(request);
        var have = 0;
        int headerEnd;
        while ((headerEnd = IndexOfHeaderEnd(have)) < 0)
        {
            have += Receive(have);
        }

        var headers = Encoding.ASCII.GetString(_buffer, 0, headerEnd);
        if (!headers.StartsWith("HTTP/1.1 200", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("the daemon answered: " + headers.Split('\r')[0]);
        }

        var line = headers.Split("\r\n").FirstOrDefault(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        if (line is null)
        {
            // Transfer-Encoding: chunked: read until the last chunk (a JSON body does not end in CRLF 0 CRLF CRLF).
            while (!_buffer.AsSpan(0, have).EndsWith("\r\n0\r\n\r\n"u8))
            {
                have += Receive(have);
            }

            return;
        }

        var total = headerEnd + 4 + int.Parse(line[15..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        while (have < total)
        {
            have += Receive(have);
        }
    }

    private int Receive(int offset)
    {
        var n = _socket.Receive(_buffer, offset, _buffer.Length - offset, SocketFlags.None);
        return n > 0 ? n : throw new InvalidOperationException("the daemon closed the connection");
    }

    private int IndexOfHeaderEnd(int have) => _buffer.AsSpan(0, have).IndexOf("\r\n\r\n"u8);
}
