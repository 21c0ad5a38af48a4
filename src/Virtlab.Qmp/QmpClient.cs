using System.Text.Json.Nodes;

namespace Virtlab.Qmp;

/// <summary>A QMP client over QEMU's unix monitor socket. Knows QMP, not VMs.
/// <para>Layers: transport (unix stream socket) → framing (one JSON object per line, one reader loop) → protocol
/// (greeting, <c>qmp_capabilities</c>, command ids, events) → typed commands named after the wire.</para>
/// <para>Commands may be sent concurrently; replies are matched by id and events interleave freely. A broken
/// connection poisons the client: pending commands fail with <see cref="QmpErrorKind.ExecInterrupted"/>, later calls
/// with <see cref="QmpErrorKind.ConnectionLost"/>, both carrying the same cause as inner exception. Reconnecting is
/// the caller's decision. Cancelling a call stops waiting; it never undoes what QEMU already did.</para></summary>
public sealed partial class QmpClient : IAsyncDisposable
{
    private readonly QmpConnection _connection;
    private readonly QmpClientOptions _options;
    private int _disposed;

    private QmpClient(QmpConnection connection, QmpClientOptions options, QmpGreeting greeting, string socketPath)
    {
        _connection = connection;
        _options = options;
        Greeting = greeting;
        SocketPath = socketPath;
    }

    /// <summary>The greeting QEMU sent on connect.</summary>
    public QmpGreeting Greeting { get; }

    /// <summary>The monitor socket this client is connected to.</summary>
    public string SocketPath { get; }

    /// <summary>False once the connection closed (QEMU exited, the socket broke, a protocol error, or disposal).</summary>
    public bool IsConnected => _connection.CloseReason is null;

    /// <summary>Why the connection closed, or null while connected.</summary>
    public QmpException? CloseReason => _connection.CloseReason;

    /// <summary>Completes (never faults) when the connection has closed and the events received before were
    /// handed to subscribers: lets the owner notice a dead QEMU. See <see cref="CloseReason"/> for why.</summary>
    public Task Completion => _connection.Completion;

    /// <summary>Connects to <paramref name="socketPath"/>, reads the greeting within
    /// <see cref="QmpClientOptions.GreetingTimeout"/> and negotiates <c>qmp_capabilities</c> (no optional capability).</summary>
    /// <exception cref="QmpException"><see cref="QmpErrorKind.ConnectFailed"/> if the socket cannot be connected;
    /// <see cref="QmpErrorKind.GreetingTimeout"/> if no greeting arrives (another client holds the monitor).</exception>
    public static async Task<QmpClient> ConnectAsync(string socketPath, QmpClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        options ??= new QmpClientOptions();
        var stream = await UnixSocketTransport.ConnectAsync(socketPath, cancellationToken);
        var connection = new QmpConnection(stream, options.MaxMessageBytes, options.Log);
        try
        {
            var greeting = await connection.ReadGreetingAsync(socketPath, options.GreetingTimeout, cancellationToken);
            connection.Start();
            var client = new QmpClient(connection, options, greeting, socketPath);
            await client.ExecuteAsync("qmp_capabilities", null, options.CommandTimeout, cancellationToken);
            return client;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends <c>{"execute": command, "arguments": ..., "id": ...}</c> with a unique id and returns the
    /// reply's <c>return</c> value.</summary>
    /// <param name="command">The QMP command as on the wire, e.g. <c>query-status</c>.</param>
    /// <param name="arguments">Its arguments (copied, not modified), or null.</param>
    /// <param name="timeout">How long to wait for the reply; <see cref="QmpClientOptions.CommandTimeout"/> if null.</param>
    /// <param name="cancellationToken">Stops waiting (QEMU may still carry the command out).</param>
    /// <exception cref="QmpCommandException">QEMU answered with an error.</exception>
    /// <exception cref="QmpException"><see cref="QmpErrorKind.Timeout"/> (names the command and timeout),
    /// <see cref="QmpErrorKind.ExecInterrupted"/> (sent, then the connection died: outcome unknown, re-query),
    /// <see cref="QmpErrorKind.ConnectionLost"/> (not sent: the connection or this client is closed).</exception>
    public async Task<JsonNode?> ExecuteAsync(string command, JsonObject? arguments = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        ThrowIfDisposed();
        var request = new JsonObject { ["execute"] = command };
        if (arguments is not null)
        {
            request["arguments"] = arguments.DeepClone();
        }

        var reply = await _connection.SendAsync(request, command, timeout ?? _options.CommandTimeout, cancellationToken);
        return QmpMessages.ReturnValueOrThrow(reply, command);
    }

    /// <summary>Sends a caller-built request as is (for <c>qemu-monitor-command</c>) and returns the whole reply
    /// object, <c>{"return": ...}</c> or <c>{"error": ...}</c>; error replies are returned, not thrown. The request's
    /// own <c>id</c> is replaced on the wire by a unique one and put back into the reply (removed if it had none).</summary>
    /// <exception cref="ArgumentException">The request has no string <c>execute</c> member (out-of-band
    /// <c>exec-oob</c> is not negotiated by this client).</exception>
    public async Task<JsonObject> ExecuteRawAsync(JsonObject request, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ThrowIfDisposed();
        if (request["execute"] is not JsonValue execute || !execute.TryGetValue<string>(out var command) || command.Length == 0)
        {
            throw new ArgumentException("a QMP request needs a string \"execute\" member", nameof(request));
        }

        var copy = request.DeepClone().AsObject();
        var userId = copy["id"]?.DeepClone();
        var reply = await _connection.SendAsync(copy, command, timeout ?? _options.CommandTimeout, cancellationToken);
        reply.Remove("id");
        if (userId is not null)
        {
            reply["id"] = userId;
        }

        return reply;
    }

    /// <summary>Subscribes to events. Subscribe <em>before</em> sending the command whose events you wait for, so
    /// none is missed. The filter runs on the dispatcher task, never on the socket reader.</summary>
    /// <param name="filter">Which events to keep; all if null.</param>
    /// <param name="description">What is awaited, for timeout messages; defaults to "(any event)" or "(filtered)".</param>
    public QmpEventSubscription Subscribe(Func<QmpEvent, bool>? filter = null, string? description = null) =>
        _connection.Events.Subscribe(filter, description ?? (filter is null ? "(any event)" : "(matching the subscription filter)"));

    /// <summary>Subscribes to the events with one of the given names (e.g. <c>ACPI_DEVICE_OST</c>).</summary>
    public QmpEventSubscription SubscribeToEvents(params string[] eventNames)
    {
        ArgumentNullException.ThrowIfNull(eventNames);
        var names = eventNames.ToHashSet(StringComparer.Ordinal);
        return _connection.Events.Subscribe(e => names.Contains(e.Name), string.Join(" or ", eventNames));
    }

    /// <summary>Closes the connection. Pending commands fail with <see cref="QmpErrorKind.ExecInterrupted"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _connection.DisposeAsync();
    }

    /// <summary>A closed client is a lost connection to its callers: it is closed by whoever watches QEMU (when QEMU
    /// exits) while other tasks may still hold it, so a call after that is a race, not a programming error.</summary>
    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            throw new QmpException(QmpErrorKind.ConnectionLost, "the QMP connection is closed (the monitor was closed, as it is when QEMU exits)");
        }
    }
}
