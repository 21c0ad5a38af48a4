using System.Net;
using System.Net.Sockets;
using System.Text;
using Virtlab.Lab.Results;

namespace Virtlab.Lab.Running;

/// <summary>
/// The lab as the client of the application's service (a <c>tcp_echo</c> check), from outside its world: a line every
/// interval on one TCP connection, each answer's round trip recorded against the time it was sent; no answer within
/// <see cref="AnswerTimeout"/>, a refused or broken connection: a null sample and a new connection. The talk's ping
/// trace, for a service: a pause or a migration shows as the time between two answered requests.
/// </summary>
internal sealed class EchoClient(IPAddress address, int port, TimeSpan interval, Func<double> now)
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(10);
    private readonly List<GapSample> _samples = [];

    public IReadOnlyList<GapSample> Samples
    {
        get
        {
            lock (_samples)
            {
                return [.. _samples];
            }
        }
    }

    public async Task RunAsync(CancellationToken ct)
    {
        var n = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                using var tcp = new TcpClient { NoDelay = true };
                using (var connect = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    connect.CancelAfter(TimeSpan.FromSeconds(1));
                    await tcp.ConnectAsync(address, port, connect.Token).ConfigureAwait(false);
                }

                var stream = tcp.GetStream();
                var buffer = new byte[256];
                while (!ct.IsCancellationRequested)
                {
                    var sent = now();
                    var clock = System.Diagnostics.Stopwatch.StartNew();
                    var line = Encoding.ASCII.GetBytes($"echo {++n}\n");
                    await stream.WriteAsync(line, ct).ConfigureAwait(false);
                    using (var answer = CancellationTokenSource.CreateLinkedTokenSource(ct))
                    {
                        answer.CancelAfter(AnswerTimeout);
                        var got = 0;
                        while (got < line.Length)
                        {
                            var read = await stream.ReadAsync(buffer.AsMemory(0, Math.Min(buffer.Length, line.Length - got)), answer.Token).ConfigureAwait(false);
                            if (read == 0)
                            {
                                throw new IOException("the service closed the connection");
                            }

                            got += read;
                        }
                    }

                    Add(new GapSample(Math.Round(sent, 3), Math.Round(clock.Elapsed.TotalMilliseconds, 3)));
                    var rest = interval - clock.Elapsed;
                    if (rest > TimeSpan.Zero)
                    {
                        await Task.Delay(rest, ct).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception e) when (e is SocketException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                Add(new GapSample(Math.Round(now(), 3), null));
                try
                {
                    await Task.Delay(interval, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Add(GapSample s)
    {
        lock (_samples)
        {
            _samples.Add(s);
        }
    }
}
