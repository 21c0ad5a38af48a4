using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Virtlab.Testing.Fakes;

/// <summary>An in-process QMP server on a unix socket that behaves like QEMU 10.0.2 as recorded: it greets, answers
/// commands with the recorded replies (id replaced), serves one client at a time (a second one is accepted and
/// never greeted), and can be scripted per command, send events or raw lines, and drop the client.</summary>
public sealed class FakeQmpServer : IAsyncDisposable
{
    private readonly TempSocketDirectory _directory = new();
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Func<FakeQmpRequest, Task>> _handlers = new(StringComparer.Ordinal);
    private readonly List<FakeQmpRequest> _received = [];
    private readonly List<Socket> _parked = [];
    private readonly List<Connection> _connections = [];
    private TaskCompletionSource _arrival = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Connection? _active;
    private Task _acceptLoop = Task.CompletedTask;

    private FakeQmpServer()
    {
        SocketPath = _directory.PathOf("qmp.sock");
    }

    public string SocketPath { get; }

    /// <summary>Send the greeting on connect (QEMU always does; turn off to simulate a silent socket).</summary>
    public bool SendGreeting { get; set; } = true;

    public IReadOnlyList<FakeQmpRequest> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    public int Connections
    {
        get
        {
            lock (_gate)
            {
                return _connections.Count + _parked.Count;
            }
        }
    }

    public static FakeQmpServer Start()
    {
        var server = new FakeQmpServer();
        server._listener.Bind(new UnixDomainSocketEndPoint(server.SocketPath));
        server._listener.Listen(8);
        server._acceptLoop = Task.Run(server.AcceptLoopAsync);
        return server;
    }

    /// <summary>Scripts <paramref name="command"/>. Handlers run on their own task, so one may wait while others are answered.</summary>
    public void On(string command, Func<FakeQmpRequest, Task> handler)
    {
        lock (_gate)
        {
            _handlers[command] = handler;
        }
    }

    /// <summary>Never answer <paramref name="command"/>.</summary>
    public void NeverAnswer(string command) => On(command, _ => Task.CompletedTask);

    /// <summary>Waits until the <paramref name="occurrence"/>-th request for <paramref name="command"/> (1-based) has arrived.</summary>
    public async Task<FakeQmpRequest> WaitForRequestAsync(string command, int occurrence = 1, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        while (true)
        {
            Task arrival;
            lock (_gate)
            {
                var matches = _received.Where(r => r.Command == command).ToList();
                if (matches.Count >= occurrence)
                {
                    return matches[occurrence - 1];
                }

                arrival = _arrival.Task;
            }

            await arrival.WaitAsync(timeout.Token);
        }
    }

    public Task SendEventAsync(string name, JsonObject? data = null)
    {
        var now = DateTimeOffset.UtcNow;
        var message = new JsonObject
        {
            ["timestamp"] = new JsonObject { ["seconds"] = now.ToUnixTimeSeconds(), ["microseconds"] = now.Millisecond * 1000 },
            ["event"] = name,
        };
        if (data is not null)
        {
            message["data"] = data.DeepClone();
        }

        return SendLineAsync(message.ToJsonString());
    }

    public Task SendRecordedEventAsync(string recording) => SendLineAsync(Recorded.QmpLine(recording));

    /// <summary>Writes a raw line to the active client.</summary>
    public Task SendLineAsync(string line) => ActiveConnection().SendLineAsync(line);

    /// <summary>Closes the active client's connection, as QEMU does when it exits.</summary>
    public void DropClient() => ActiveConnection().Close();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _acceptLoop;
        List<Connection> connections;
        lock (_gate)
        {
            connections = [.. _connections];
            foreach (var parked in _parked)
            {
                parked.Dispose();
            }
        }

        foreach (var connection in connections)
        {
            connection.Close();
            await connection.ReadLoop;
        }

        _stop.Dispose();
        _directory.Dispose();
    }

    private Connection ActiveConnection()
    {
        lock (_gate)
        {
            return _active ?? throw new InvalidOperationException("no client is connected");
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Connection connection;
            lock (_gate)
            {
                if (_active is { IsOpen: true })
                {
                    // Like QEMU: the kernel accepts the connection, the monitor never greets it.
                    _parked.Add(socket);
                    continue;
                }

                connection = new Connection(this, socket);
                _active = connection;
                _connections.Add(connection);
            }

            if (SendGreeting)
            {
                await connection.SendLineAsync(Recorded.QmpLine("greeting"));
            }

            connection.Start();
        }
    }

    private void OnRequest(JsonObject request, Connection connection)
    {
        var fake = new FakeQmpRequest(request, connection);
        Func<FakeQmpRequest, Task>? handler;
        lock (_gate)
        {
            _received.Add(fake);
            _handlers.TryGetValue(fake.Command, out handler);
            _arrival.TrySetResult();
            _arrival = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        _ = Task.Run(() => (handler ?? DefaultReplyAsync)(fake));
    }

    private static async Task DefaultReplyAsync(FakeQmpRequest request)
    {
        if (Recorded.HasQmp(request.Command))
        {
            await request.ReplyRecordedAsync(request.Command);
            if (request.Command == "quit")
            {
                request.CloseConnection();
            }

            return;
        }

        var notFound = Recorded.Qmp("error-command-not-found");
        notFound["error"]!["desc"] = $"The command {request.Command} has not been found";
        await request.ReplyAsync(notFound);
    }

    /// <summary>One client connection of the fake server.</summary>
    public sealed class Connection
    {
        private readonly FakeQmpServer _server;
        private readonly Socket _socket;
        private readonly SemaphoreSlim _writeGate = new(1, 1);
        private volatile bool _open = true;

        public Connection(FakeQmpServer server, Socket socket)
        {
            _server = server;
            _socket = socket;
        }

        public bool IsOpen => _open;

        public Task ReadLoop { get; private set; } = Task.CompletedTask;

        public void Start() => ReadLoop = Task.Run(ReadLoopAsync);

        public async Task SendLineAsync(string line)
        {
            await _writeGate.WaitAsync();
            try
            {
                if (_open)
                {
                    await _socket.SendAsync(Encoding.UTF8.GetBytes(line + "\n"));
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // The client went away.
            }
            finally
            {
                _writeGate.Release();
            }
        }

        public void Close()
        {
            _open = false;
            try
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Already closed.
            }

            _socket.Dispose();
        }

        private async Task ReadLoopAsync()
        {
            var pending = new List<byte>();
            var buffer = new byte[4096];
            try
            {
                while (true)
                {
                    var read = await _socket.ReceiveAsync(buffer);
                    if (read == 0)
                    {
                        break;
                    }

                    pending.AddRange(buffer.AsSpan(0, read));
                    int newline;
                    while ((newline = pending.IndexOf((byte)'\n')) >= 0)
                    {
                        var line = Encoding.UTF8.GetString([.. pending.Take(newline)]);
                        pending.RemoveRange(0, newline + 1);
                        if (JsonNode.Parse(line) is JsonObject request)
                        {
                            _server.OnRequest(request, this);
                        }
                    }
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Closed.
            }

            _open = false;
        }
    }
}
