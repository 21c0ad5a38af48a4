using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Virtlab.Qga;

/// <summary>A qemu-guest-agent client over the unix socket of the agent's virtio-serial chardev.
/// <para>The agent has no greeting and answers whatever it finds in its input, including requests that earlier
/// clients left behind; its first answers after the port opens may be <c>JSON parse error, stray '\uFFFD'</c>.
/// So a session is <em>synced</em> first (0xFF, then <c>guest-sync-delimited</c> with a fresh random id; everything
/// until that id comes back is discarded) and again after anything that may leave stale data behind (a timeout,
/// a cancelled wait, a command without reply). Requests also carry a unique <c>id</c>, which the agent echoes;
/// replies with another id are discarded.</para>
/// <para>One command at a time: a gate is held only around this agent's own I/O. A background loop reads the
/// socket into a queue so a timed-out wait never leaves a half-read line behind.</para></summary>
public sealed partial class GuestAgentClient : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly GuestAgentOptions _options;
    private readonly AgentLineReader _reader;
    private readonly Channel<AgentLine> _lines =
        Channel.CreateUnbounded<AgentLine>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Task _readLoop;
    private GuestAgentException? _closeReason;
    private bool _synced;
    private long _lastId;
    private int _disposed;

    private GuestAgentClient(Stream stream, GuestAgentOptions options, string socketPath)
    {
        _stream = stream;
        _options = options;
        SocketPath = socketPath;
        _reader = new AgentLineReader(stream, options.MaxMessageBytes);
        _readLoop = Task.Run(ReadLoopAsync);
    }

    /// <summary>The agent socket this client is connected to.</summary>
    public string SocketPath { get; }

    /// <summary>False once the socket closed or the client was disposed.</summary>
    public bool IsConnected => Volatile.Read(ref _closeReason) is null;

    /// <summary>Connects to the agent socket. Nothing is sent yet: the first command (or
    /// <see cref="SyncAsync"/>/<see cref="WaitForAgentAsync"/>) syncs the session.</summary>
    /// <exception cref="GuestAgentException">Kind <see cref="GuestAgentErrorKind.ConnectFailed"/>.</exception>
    public static async Task<GuestAgentClient> ConnectAsync(string socketPath, GuestAgentOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        var stream = await UnixSocketTransport.ConnectAsync(socketPath, cancellationToken);
        return new GuestAgentClient(stream, options ?? new GuestAgentOptions(), socketPath);
    }

    /// <summary>Runs <paramref name="command"/> and returns the reply's <c>return</c> value (null for the commands
    /// that send no reply: <c>guest-shutdown</c>, <c>guest-suspend-*</c>). Syncs first if the session is not synced.</summary>
    /// <param name="command">The agent command as on the wire, e.g. <c>guest-get-vcpus</c>.</param>
    /// <param name="arguments">Its arguments (copied, not modified), or null.</param>
    /// <param name="timeout">How long to wait for the reply; <see cref="GuestAgentOptions.CommandTimeout"/> if null.</param>
    /// <param name="cancellationToken">Stops waiting (the guest may still carry the command out); the session is then resynced.</param>
    /// <exception cref="GuestAgentCommandException">The agent answered with an error.</exception>
    /// <exception cref="GuestAgentException"><see cref="GuestAgentErrorKind.Unresponsive"/> (no sync or no reply in
    /// time), <see cref="GuestAgentErrorKind.ConnectionLost"/>.</exception>
    public async Task<JsonNode?> ExecuteAsync(string command, JsonObject? arguments = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        var request = new JsonObject { ["execute"] = command };
        if (arguments is not null)
        {
            request["arguments"] = arguments.DeepClone();
        }

        var reply = await SendAsync(request, command, timeout, cancellationToken);
        return reply is null ? null : AgentMessages.ReturnValueOrThrow(reply, command);
    }

    /// <summary>Sends a caller-built request (for <c>qemu-agent-command</c>) and returns the whole reply object,
    /// <c>{"return": ...}</c> or <c>{"error": ...}</c>; error replies are returned, not thrown. The request's own
    /// <c>id</c> is replaced on the wire and restored in the reply. Commands without a reply return <c>{}</c>.</summary>
    /// <exception cref="ArgumentException">The request has no string <c>execute</c> member.</exception>
    public async Task<JsonObject> ExecuteRawAsync(JsonObject request, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request["execute"] is not JsonValue execute || !execute.TryGetValue<string>(out var command) || command.Length == 0)
        {
            throw new ArgumentException("a guest agent request needs a string \"execute\" member", nameof(request));
        }

        var copy = request.DeepClone().AsObject();
        var userId = copy["id"]?.DeepClone();
        var reply = await SendAsync(copy, command, timeout, cancellationToken);
        if (reply is null)
        {
            return [];
        }

        reply.Remove("id");
        if (userId is not null)
        {
            reply["id"] = userId;
        }

        return reply;
    }

    /// <summary>Closes the socket.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Close(new GuestAgentException(GuestAgentErrorKind.ConnectionLost, "the guest agent client was disposed"));
        await _readLoop;
        _shutdown.Dispose();
    }

    /// <summary>A closed client is a lost connection to its callers: its owner closes it (when QEMU exits) while other
    /// tasks may still hold it, so a call after that is a race, not a programming error.</summary>
    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            throw new GuestAgentException(GuestAgentErrorKind.ConnectionLost, "the guest agent connection is closed (the client was closed, as it is when QEMU exits)");
        }
    }

    /// <summary>Takes the gate, syncs if needed, runs one request/reply exchange.</summary>
    private async Task<JsonObject?> SendAsync(JsonObject request, string command, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ThrowIfClosed(command);
            if (!_synced)
            {
                await SyncCoreAsync(
                    _options.SyncTimeout,
                    null,
                    t => $"guest agent unresponsive: no answer to guest-sync-delimited within {Durations.Format(t)} (before '{command}')",
                    cancellationToken);
            }

            return await RoundTripAsync(request, command, timeout ?? _options.CommandTimeout, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Writes one line. Only called with the gate held.</summary>
    private async Task WriteAsync(ReadOnlyMemory<byte> bytes, string command)
    {
        try
        {
            await _stream.WriteAsync(bytes, CancellationToken.None);
            await _stream.FlushAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            Close(new GuestAgentException(GuestAgentErrorKind.ConnectionLost, $"writing to the guest agent socket failed: {e.Message}", e));
            ThrowIfClosed(command);
            throw;
        }
    }

    /// <summary>Reads the next queued line, or returns null when <paramref name="wait"/> elapses.</summary>
    private async Task<AgentLine?> ReadLineAsync(TimeSpan wait, string command, CancellationToken cancellationToken)
    {
        if (wait <= TimeSpan.Zero)
        {
            return _lines.Reader.TryRead(out var queued) ? queued : null;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(wait);
        try
        {
            return await _lines.Reader.ReadAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (ChannelClosedException)
        {
            ThrowIfClosed(command);
            throw;
        }
    }

    private void ThrowIfClosed(string command)
    {
        if (Volatile.Read(ref _closeReason) is { } reason)
        {
            throw new GuestAgentException(
                GuestAgentErrorKind.ConnectionLost,
                $"guest agent command '{command}' failed: the connection is closed ({reason.Message}); "
                + "if it was already sent, its outcome is unknown",
                reason);
        }
    }

    private static TimeSpan Remaining(long start, TimeSpan timeout) =>
        timeout == Timeout.InfiniteTimeSpan ? TimeSpan.FromDays(1) : timeout - Stopwatch.GetElapsedTime(start);

    private void Log(string message)
    {
        try
        {
            _options.Log?.Invoke(message);
        }
        catch
        {
            // A failing log hook must not break the client.
        }
    }
}
