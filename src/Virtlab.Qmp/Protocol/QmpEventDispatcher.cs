using System.Threading.Channels;

namespace Virtlab.Qmp;

/// <summary>Takes events from the socket reader through an internal queue and fans them out, on its own task, to
/// every subscription. The reader loop only enqueues, so no subscriber can hold up command replies.</summary>
internal sealed class QmpEventDispatcher
{
    private readonly Channel<QmpEvent> _inbox =
        Channel.CreateUnbounded<QmpEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    private readonly Lock _gate = new();
    private readonly List<QmpEventSubscription> _subscriptions = [];
    private readonly Action<string> _log;
    private QmpEventSubscription[] _snapshot = [];
    private Exception? _closedBy;
    private bool _closed;

    public QmpEventDispatcher(Action<string> log)
    {
        _log = log;
        Completion = Task.Run(RunAsync);
    }

    /// <summary>Completes once the inbox is closed, drained and every subscription completed.</summary>
    public Task Completion { get; }

    /// <summary>Called by the reader loop: enqueue and return at once.</summary>
    public void Post(QmpEvent qmpEvent) => _inbox.Writer.TryWrite(qmpEvent);

    /// <summary>No more events: deliver what is queued, then complete the subscriptions with <paramref name="cause"/>.</summary>
    public void Close(Exception cause)
    {
        lock (_gate)
        {
            _closedBy ??= cause;
        }

        _inbox.Writer.TryComplete();
    }

    public QmpEventSubscription Subscribe(Func<QmpEvent, bool>? filter, string description)
    {
        var subscription = new QmpEventSubscription(filter, description, Unsubscribe);
        lock (_gate)
        {
            if (!_closed)
            {
                _subscriptions.Add(subscription);
                _snapshot = [.. _subscriptions];
                return subscription;
            }
        }

        subscription.Complete(_closedBy);
        return subscription;
    }

    private void Unsubscribe(QmpEventSubscription subscription)
    {
        lock (_gate)
        {
            if (_subscriptions.Remove(subscription))
            {
                _snapshot = [.. _subscriptions];
            }
        }
    }

    private async Task RunAsync()
    {
        await foreach (var qmpEvent in _inbox.Reader.ReadAllAsync())
        {
            foreach (var subscription in Volatile.Read(ref _snapshot))
            {
                subscription.Offer(qmpEvent, _log);
            }
        }

        QmpEventSubscription[] remaining;
        lock (_gate)
        {
            _closed = true;
            remaining = [.. _subscriptions];
            _subscriptions.Clear();
            _snapshot = [];
        }

        foreach (var subscription in remaining)
        {
            subscription.Complete(_closedBy);
        }
    }
}
