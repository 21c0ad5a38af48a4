using System.Threading.Channels;

namespace Virtlab.Qmp;

/// <summary>A subscriber's own queue of QMP events, filled by the client's event dispatcher (never by the socket
/// reader). Unbounded: a slow subscriber delays nobody else. Create it with <see cref="QmpClient.Subscribe"/>
/// <em>before</em> sending the command whose events it waits for. When the connection closes, the queue completes
/// after the events received so far (reading past them throws).</summary>
public sealed class QmpEventSubscription : IDisposable
{
    private readonly Channel<QmpEvent> _channel =
        Channel.CreateUnbounded<QmpEvent>(new UnboundedChannelOptions { SingleWriter = true });

    private readonly Func<QmpEvent, bool>? _filter;
    private readonly Action<QmpEventSubscription>? _unsubscribe;
    private int _disposed;

    internal QmpEventSubscription(Func<QmpEvent, bool>? filter, string description, Action<QmpEventSubscription>? unsubscribe)
    {
        _filter = filter;
        Description = description;
        _unsubscribe = unsubscribe;
    }

    /// <summary>The events that passed the filter, in arrival order.</summary>
    public ChannelReader<QmpEvent> Reader => _channel.Reader;

    /// <summary>What this subscription waits for, used in timeout messages (e.g. "ACPI_DEVICE_OST").</summary>
    public string Description { get; }

    /// <summary>Takes the next event from the queue, waiting at most <paramref name="timeout"/>.</summary>
    /// <exception cref="QmpException">Kind <see cref="QmpErrorKind.Timeout"/> naming the awaited event, or
    /// <see cref="QmpErrorKind.ConnectionLost"/> when the connection closed first.</exception>
    public async Task<QmpEvent> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            return await _channel.Reader.ReadAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new QmpException(
                QmpErrorKind.Timeout,
                $"no QMP event {Description} arrived within {Durations.Format(timeout)}");
        }
        catch (ChannelClosedException e)
        {
            throw new QmpException(
                QmpErrorKind.ConnectionLost,
                $"the QMP connection closed while waiting for event {Description}",
                e.InnerException);
        }
    }

    /// <summary>Stops delivery and completes <see cref="Reader"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _unsubscribe?.Invoke(this);
        _channel.Writer.TryComplete();
    }

    /// <summary>Runs the filter (on the dispatcher task) and queues the event if it matches.</summary>
    internal void Offer(QmpEvent qmpEvent, Action<string> log)
    {
        bool matches;
        try
        {
            matches = _filter?.Invoke(qmpEvent) ?? true;
        }
        catch (Exception e)
        {
            log($"QMP event filter of subscription '{Description}' threw on {qmpEvent.Name}: {e.Message}; event skipped for it");
            return;
        }

        if (matches)
        {
            _channel.Writer.TryWrite(qmpEvent);
        }
    }

    internal void Complete(Exception? cause) => _channel.Writer.TryComplete(cause);
}
