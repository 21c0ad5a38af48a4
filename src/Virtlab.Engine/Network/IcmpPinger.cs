using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Virtlab.Api;

namespace Virtlab.Engine.Network;

/// <summary>
/// Pings one IPv4 address at a fixed interval (10 ms, as the talk's ping -i) and records every request and reply,
/// like ping's per-packet trace. A raw ICMP socket (root), or an unprivileged ICMP datagram socket where
/// net.ipv4.ping_group_range allows it. Times are Stopwatch ticks, reported relative to an origin the caller gives
/// (the start of a migration), so the trace lines up with the migration's own samples.
/// </summary>
public sealed class IcmpPinger : IAsyncDisposable
{
    private const int PayloadBytes = 56;
    private readonly Socket _socket;
    private readonly bool _raw;
    private readonly IPAddress _target;
    private readonly TimeSpan _interval;
    private readonly ushort _id = (ushort)Random.Shared.Next(1, ushort.MaxValue);
    private readonly List<long> _sentAt = [];
    private readonly Dictionary<int, long> _replyAt = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _sender;
    private Task? _receiver;

    private IcmpPinger(Socket socket, bool raw, IPAddress target, TimeSpan interval)
    {
        _socket = socket;
        _raw = raw;
        _target = target;
        _interval = interval;
    }

    /// <summary>Opens the socket and starts pinging; throws <see cref="VirtlabException"/> when ICMP sockets are not allowed.</summary>
    public static IcmpPinger Start(IPAddress target, TimeSpan interval)
    {
        if (target.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new VirtlabException(ErrorKind.InvalidInput, $"only IPv4 addresses can be pinged, not {target}");
        }

        Socket socket;
        bool raw;
        try
        {
            socket = new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Icmp);
            raw = true;
        }
        catch (SocketException)
        {
            try
            {
                socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Icmp);
                raw = false;
            }
            catch (SocketException e)
            {
                throw new VirtlabException(ErrorKind.Unsupported, $"cannot open an ICMP socket to ping {target} ({e.Message}): run the daemon as root, or allow its group in net.ipv4.ping_group_range", e);
            }
        }

        socket.Bind(new IPEndPoint(IPAddress.Any, 0));
        var pinger = new IcmpPinger(socket, raw, target, interval);
        pinger._receiver = Task.Run(pinger.ReceiveLoopAsync);
        pinger._sender = Task.Run(pinger.SendLoopAsync);
        return pinger;
    }

    /// <summary>Stops sending, waits <paramref name="grace"/> for late replies, and reports.</summary>
    public async Task<PingReport> StopAsync(long originTicks, TimeSpan grace)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _sender!.ConfigureAwait(false);
        await Task.Delay(grace).ConfigureAwait(false);
        _socket.Close();
        await _receiver!.ConfigureAwait(false);
        return Report(originTicks);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }

        _socket.Dispose();
        foreach (var t in new[] { _sender, _receiver })
        {
            if (t is not null)
            {
                await t.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        _stop.Dispose();
    }

    private PingReport Report(long originTicks)
    {
        lock (_gate)
        {
            double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
            var trace = new List<PingSample>(_sentAt.Count);
            for (var seq = 0; seq < _sentAt.Count; seq++)
            {
                double? rtt = _replyAt.TryGetValue(seq, out var at) ? Ms(at - _sentAt[seq]) : null;
                trace.Add(new PingSample(seq, Ms(_sentAt[seq] - originTicks) / 1000, rtt));
            }

            var arrivals = _replyAt.OrderBy(kv => kv.Value).ToList();
            double largest = 0;
            int? after = null;
            for (var i = 1; i < arrivals.Count; i++)
            {
                var gap = Ms(arrivals[i].Value - arrivals[i - 1].Value);
                if (gap > largest)
                {
                    largest = gap;
                    after = arrivals[i - 1].Key;
                }
            }

            var maxRtt = trace.Max(s => s.RttMs) ?? 0;
            return new PingReport(_target.ToString(), (int)_interval.TotalMilliseconds, _sentAt.Count, _replyAt.Count, largest, after, maxRtt, trace);
        }
    }

    private async Task SendLoopAsync()
    {
        var endpoint = new IPEndPoint(_target, 0);
        var packet = new byte[8 + PayloadBytes];
        using var timer = new PeriodicTimer(_interval);
        for (var seq = 0; seq <= ushort.MaxValue && !_stop.IsCancellationRequested; seq++)
        {
            packet[0] = 8; // echo request
            packet[1] = 0;
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), 0);
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), _id);
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), (ushort)seq);
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), Checksum(packet));
            lock (_gate)
            {
                _sentAt.Add(Stopwatch.GetTimestamp());
            }

            try
            {
                await _socket.SendToAsync(packet, SocketFlags.None, endpoint).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                // No route for a moment (the guest's MAC moving between bridge ports): the request counts as lost.
            }

            try
            {
                await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[1500];
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        while (true)
        {
            int n;
            try
            {
                var r = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, from).ConfigureAwait(false);
                n = r.ReceivedBytes;
                from = r.RemoteEndPoint;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            var now = Stopwatch.GetTimestamp();
            var icmp = _raw ? buffer.AsSpan((buffer[0] & 0x0f) * 4, Math.Max(0, n - ((buffer[0] & 0x0f) * 4))) : buffer.AsSpan(0, n);
            if (icmp.Length < 8 || icmp[0] != 0 || !((IPEndPoint)from).Address.Equals(_target))
            {
                continue;
            }

            // A datagram ICMP socket rewrites the id to its own port and delivers only its own replies.
            if (_raw && BinaryPrimitives.ReadUInt16BigEndian(icmp[4..]) != _id)
            {
                continue;
            }

            int seq = BinaryPrimitives.ReadUInt16BigEndian(icmp[6..]);
            lock (_gate)
            {
                if (seq < _sentAt.Count)
                {
                    _replyAt.TryAdd(seq, now);
                }
            }
        }
    }

    private static ushort Checksum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        for (var i = 0; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }

        if ((data.Length & 1) == 1)
        {
            sum += (uint)(data[^1] << 8);
        }

        while (sum >> 16 != 0)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        return (ushort)~sum;
    }
}
