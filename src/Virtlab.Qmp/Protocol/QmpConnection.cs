using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Virtlab.Qmp;

/// <summary>Protocol layer: one QMP session over a stream. Owns the single reader loop, matches replies to pending
/// commands by id, hands events to the dispatcher, and poisons itself on the first failure.</summary>
internal sealed partial class QmpConnection : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly Wire.LineReader _reader;
    private readonly JsonLineWriter _writer;
    private readonly ConcurrentDictionary<string, PendingCommand> _pending = new(StringComparer.Ordinal);
    private readonly QmpEventDispatcher _dispatcher;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Action<string>? _logHook;
    private QmpException? _closeReason;
    private Task _readerLoop = Task.CompletedTask;
    private long _lastId;

    public QmpConnection(Stream stream, int maxMessageBytes, Action<string>? log)
    {
        _stream = stream;
        _reader = new Wire.LineReader(stream, maxMessageBytes);
        _writer = new JsonLineWriter(stream);
        _logHook = log;
        _dispatcher = new QmpEventDispatcher(Log);
        Completion = CompleteAfterCloseAsync();
    }

    /// <summary>Why the connection closed, or null while it is open.</summary>
    public QmpException? CloseReason => Volatile.Read(ref _closeReason);

    /// <summary>Completes (never faults) once the connection is closed and queued events were delivered.</summary>
    public Task Completion { get; }

    public QmpEventDispatcher Events => _dispatcher;

    /// <summary>Reads the first line, which must be the greeting, within <paramref name="timeout"/>.
    /// Must be called before <see cref="Start"/>.</summary>
    public async Task<QmpGreeting> ReadGreetingAsync(string socketPath, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        ReadOnlyMemory<byte>? line;
        try
        {
            line = await _reader.ReadLineAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new QmpException(
                QmpErrorKind.GreetingTimeout,
                $"the QMP socket {socketPath} accepted the connection but sent no greeting within {Durations.Format(timeout)}: "
                + "another client probably holds the monitor (QEMU serves one QMP client at a time)");
        }
        catch (Exception e) when (e is IOException or SocketException or InvalidDataException)
        {
            throw new QmpException(QmpErrorKind.ConnectionLost, $"the QMP connection to {socketPath} failed before the greeting: {e.Message}", e);
        }

        if (line is not { } greetingLine)
        {
            throw new QmpException(QmpErrorKind.ConnectionLost, $"QEMU closed the QMP socket {socketPath} before sending the greeting");
        }

        return QmpMessages.ParseGreeting(QmpMessages.ParseObject(greetingLine.Span));
    }

    /// <summary>Starts the reader loop (after the greeting).</summary>
    public void Start() => _readerLoop = Task.Run(ReadLoopAsync);

    /// <summary>Sends <paramref name="request"/> (its "id" is overwritten with a fresh one) and returns the whole
    /// reply object; error replies are returned, not thrown.</summary>
    public async Task<JsonObject> SendAsync(JsonObject request, string command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ThrowIfClosed(command);
        var id = "vl-" + Interlocked.Increment(ref _lastId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        request["id"] = id;
        var pending = new PendingCommand(command);
        _pending[id] = pending;
        if (CloseReason is not null)
        {
            _pending.TryRemove(id, out _);
            ThrowIfClosed(command);
        }

        try
        {
            await _writer.WriteAsync(request, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            _pending.TryRemove(id, out _);
            throw;
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            _pending.TryRemove(id, out _);
            Close(new QmpException(QmpErrorKind.ConnectionLost, $"writing to the QMP socket failed: {e.Message}", e));
            ThrowIfClosed(command);
            throw;
        }

        try
        {
            return await pending.Reply.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            if (!_pending.TryRemove(id, out _) && pending.Reply.Task.IsCompletedSuccessfully)
            {
                return pending.Reply.Task.Result;
            }

            throw new QmpException(
                QmpErrorKind.Timeout,
                $"QMP command '{command}' got no reply within {Durations.Format(timeout)}; it may still take effect in QEMU");
        }
        catch (OperationCanceledException)
        {
            _pending.TryRemove(id, out _);
            throw;
        }
    }

    /// <summary>Poisons the connection once: every pending command fails with <paramref name="cause"/> as inner
    /// exception, events stop, the socket closes. Later calls fail fast with ConnectionLost.</summary>
    public void Close(QmpException cause)
    {
        if (Interlocked.CompareExchange(ref _closeReason, cause, null) is not null)
        {
            return;
        }

        Log($"QMP connection closed: {cause.Message}");
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var pending))
            {
                pending.Reply.TrySetException(new QmpException(
                    QmpErrorKind.ExecInterrupted,
                    $"QMP command '{pending.Command}' was sent but the connection closed before its reply ({cause.Message}): "
                    + "the outcome is unknown; re-query QEMU's state",
                    cause));
            }
        }

        _dispatcher.Close(cause);
        _shutdown.Cancel();
        _stream.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        Close(new QmpException(QmpErrorKind.ConnectionLost, "the QMP client was disposed"));
        await _readerLoop;
        await Completion;
        _shutdown.Dispose();
    }

    private void ThrowIfClosed(string command)
    {
        if (CloseReason is { } reason)
        {
            throw new QmpException(
                QmpErrorKind.ConnectionLost,
                $"QMP command '{command}' not sent: the connection is closed ({reason.Message})",
                reason);
        }
    }

    private async Task CompleteAfterCloseAsync()
    {
        await _dispatcher.Completion;
    }

    private void Log(string message)
    {
        try
        {
            _logHook?.Invoke(message);
        }
        catch
        {
            // A failing log hook must not break the connection.
        }
    }

    private sealed class PendingCommand(string command)
    {
        public string Command { get; } = command;

        public TaskCompletionSource<JsonObject> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
