using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Virtlab.Testing.Fakes;

/// <summary>An in-process qemu-guest-agent on a unix socket, answering with replies recorded from qemu-ga 10.0.2:
/// a 0xFF byte is answered with the recorded <c>stray '\uFFFD'</c> error, <c>guest-sync-delimited</c> with 0xFF and
/// the id, <c>guest-shutdown</c>/<c>guest-suspend-*</c> with nothing, request ids are echoed, input is handled
/// strictly in order. It can start late, hang, emit stale lines before a sync reply, and be scripted per command.</summary>
public sealed class FakeGuestAgent : IAsyncDisposable
{
    private static readonly HashSet<string> NoReply = ["guest-shutdown", "guest-suspend-disk", "guest-suspend-ram", "guest-suspend-hybrid"];

    private readonly TempSocketDirectory _directory = new();
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly Channel<Input> _input = Channel.CreateUnbounded<Input>();
    private readonly Dictionary<string, Func<JsonObject, Task<JsonObject?>>> _handlers = new(StringComparer.Ordinal);
    private readonly List<JsonObject> _received = [];
    private readonly Queue<string> _staleBeforeNextSync = new();
    private TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private FakeAgentState _state;
    private Socket? _client;
    private Task _serveLoop = Task.CompletedTask;
    private int _strayBytes;

    private FakeGuestAgent(FakeAgentState state)
    {
        SocketPath = _directory.PathOf("qga.sock");
        _state = state;
        if (state != FakeAgentState.NotStarted)
        {
            _started.TrySetResult();
        }
    }

    public string SocketPath { get; }

    /// <summary>Cancelled when the fake is disposed: handlers that wait forever should use it.</summary>
    public CancellationToken Stopping => _stop.Token;

    /// <summary>Echo request ids in replies (qemu-ga 10.0.2 does; an agent that does not is simulated by turning it off).</summary>
    public bool EchoIds { get; set; } = true;

    /// <summary>Answer 0xFF bytes with the recorded parse error (qemu-ga does).</summary>
    public bool AnswerStrayBytes { get; set; } = true;

    public IReadOnlyList<JsonObject> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    public IReadOnlyList<string> ReceivedCommands => [.. Received.Select(r => r["execute"]!.GetValue<string>())];

    public int SyncRequests => ReceivedCommands.Count(c => c == "guest-sync-delimited");

    /// <summary>0xFF bytes seen in the input.</summary>
    public int StrayBytes => Volatile.Read(ref _strayBytes);

    public static FakeGuestAgent Start(FakeAgentState state = FakeAgentState.Running)
    {
        var agent = new FakeGuestAgent(state);
        agent._listener.Bind(new UnixDomainSocketEndPoint(agent.SocketPath));
        agent._listener.Listen(4);
        agent._serveLoop = Task.Run(agent.ServeAsync);
        return agent;
    }

    /// <summary>The guest starts qemu-ga: everything queued so far is answered, in order.</summary>
    public void StartAgent()
    {
        _state = FakeAgentState.Running;
        _started.TrySetResult();
    }

    /// <summary>Scripts a command: the handler's reply is sent (id echoed); null sends nothing. Handlers run in
    /// input order, so a slow one delays what comes after it, as in the real agent.</summary>
    public void On(string command, Func<JsonObject, Task<JsonObject?>> handler)
    {
        lock (_gate)
        {
            _handlers[command] = handler;
        }
    }

    /// <summary>Lines written just before the next <c>guest-sync-delimited</c> reply (answers to earlier clients' requests).</summary>
    public void QueueStaleLinesBeforeNextSync(params string[] lines)
    {
        lock (_gate)
        {
            foreach (var line in lines)
            {
                _staleBeforeNextSync.Enqueue(line);
            }
        }
    }

    /// <summary>Closes the client connection (QEMU exited).</summary>
    public void DropClient()
    {
        _client?.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        _client?.Dispose();
        _started.TrySetResult();
        try
        {
            await _serveLoop;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _stop.Dispose();
        _directory.Dispose();
    }

    private async Task ServeAsync()
    {
        Socket client;
        try
        {
            client = await _listener.AcceptAsync(_stop.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            return;
        }

        _client = client;
        var reader = Task.Run(() => ReadAsync(client));
        try
        {
            await foreach (var input in _input.Reader.ReadAllAsync(_stop.Token))
            {
                await _started.Task.WaitAsync(_stop.Token);
                if (_state == FakeAgentState.Hung)
                {
                    if (input.Request is { } ignored)
                    {
                        lock (_gate)
                        {
                            _received.Add(ignored);
                        }
                    }

                    continue;
                }

                await HandleAsync(client, input);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped or the client went away.
        }

        await reader;
    }

    private async Task ReadAsync(Socket client)
    {
        var pending = new List<byte>();
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var read = await client.ReceiveAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    break;
                }

                foreach (var b in buffer.AsSpan(0, read))
                {
                    if (b == 0xFF)
                    {
                        // qemu-ga's lexer: the 0xFF ends whatever was half-parsed and is reported as a stray character.
                        Interlocked.Increment(ref _strayBytes);
                        pending.Clear();
                        _input.Writer.TryWrite(new Input(null));
                    }
                    else if (b == (byte)'\n')
                    {
                        if (pending.Count > 0 && JsonNode.Parse(Encoding.UTF8.GetString([.. pending])) is JsonObject request)
                        {
                            _input.Writer.TryWrite(new Input(request));
                        }

                        pending.Clear();
                    }
                    else
                    {
                        pending.Add(b);
                    }
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Closed.
        }

        _input.Writer.TryComplete();
    }

    private async Task HandleAsync(Socket client, Input input)
    {
        if (input.Request is not { } request)
        {
            if (AnswerStrayBytes)
            {
                await SendAsync(client, Recorded.QgaLine("stray-byte-error"));
            }

            return;
        }

        var command = request["execute"]?.GetValue<string>() ?? string.Empty;
        Func<JsonObject, Task<JsonObject?>>? handler;
        lock (_gate)
        {
            _received.Add(request);
            _handlers.TryGetValue(command, out handler);
        }

        if (command == "guest-sync-delimited" && handler is null)
        {
            foreach (var stale in TakeStaleLines())
            {
                await SendAsync(client, stale);
            }

            var reply = WithId(new JsonObject { ["return"] = request["arguments"]!["id"]!.DeepClone() }, request);
            await SendAsync(client, "\xFF" + reply.ToJsonString());
            return;
        }

        JsonObject? answer;
        if (handler is not null)
        {
            answer = await handler(request);
        }
        else if (command == "guest-sync")
        {
            answer = new JsonObject { ["return"] = request["arguments"]!["id"]!.DeepClone() };
        }
        else if (NoReply.Contains(command))
        {
            answer = null;
        }
        else if (Recorded.HasQga(command))
        {
            answer = Recorded.Qga(command);
        }
        else
        {
            answer = Recorded.Qga("error-unknown-command");
            answer["error"]!["desc"] = $"The command {command} has not been found";
        }

        if (answer is not null)
        {
            await SendAsync(client, WithId(answer, request).ToJsonString());
        }
    }

    private List<string> TakeStaleLines()
    {
        lock (_gate)
        {
            var lines = _staleBeforeNextSync.ToList();
            _staleBeforeNextSync.Clear();
            return lines;
        }
    }

    private JsonObject WithId(JsonObject reply, JsonObject request)
    {
        var copy = reply.DeepClone().AsObject();
        copy.Remove("id");
        if (EchoIds && request["id"] is { } id)
        {
            copy["id"] = id.DeepClone();
        }

        return copy;
    }

    /// <summary>Writes a line; a leading '\xFF' char is written as the raw 0xFF byte, the rest as UTF-8.</summary>
    private static async Task SendAsync(Socket client, string line)
    {
        byte[] bytes = line.StartsWith('\xFF')
            ? [0xFF, .. Encoding.UTF8.GetBytes(line[1..] + "\n")]
            : Encoding.UTF8.GetBytes(line + "\n");
        await client.SendAsync(bytes);
    }

    private sealed record Input(JsonObject? Request);
}
