using System.Collections.Concurrent;
using Virtlab.Qmp;

namespace Virtlab.Protocol.Tests.Qmp;

public sealed class QmpEventSubscriptionTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _log = new();
    private FakeQmpServer _server = null!;
    private QmpClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server = FakeQmpServer.Start();
        _client = await QmpClient.ConnectAsync(_server.SocketPath, new QmpClientOptions { Log = _log.Enqueue }, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Given_no_matching_event_When_waiting_Then_Timeout_names_the_awaited_event()
    {
        using var subscription = _client.SubscribeToEvents("DEVICE_DELETED", "ACPI_DEVICE_OST");
        await _server.SendRecordedEventAsync("event-02-STOP");

        var error = await Assert.ThrowsAsync<QmpException>(() => subscription.WaitAsync(TimeSpan.FromMilliseconds(150), Ct));

        Assert.Equal(QmpErrorKind.Timeout, error.Kind);
        Assert.Contains("DEVICE_DELETED or ACPI_DEVICE_OST", error.Message, StringComparison.Ordinal);
        Assert.Contains("150 ms", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_timed_out_wait_When_the_event_comes_later_Then_the_next_wait_still_gets_it()
    {
        using var subscription = _client.SubscribeToEvents("STOP");
        await Assert.ThrowsAsync<QmpException>(() => subscription.WaitAsync(TimeSpan.FromMilliseconds(50), Ct));

        await _server.SendRecordedEventAsync("event-02-STOP");

        Assert.Equal("STOP", (await subscription.WaitAsync(TimeSpan.FromSeconds(5), Ct)).Name);
    }

    [Fact]
    public async Task Given_a_description_When_the_filter_does_not_match_Then_the_timeout_message_uses_it()
    {
        using var subscription = _client.Subscribe(e => e.Data?["path"]?.GetValue<string>() == "/machine/peripheral/cpu2/lapic", "DEVICE_DELETED of cpu2");

        var error = await Assert.ThrowsAsync<QmpException>(() => subscription.WaitAsync(TimeSpan.FromMilliseconds(50), Ct));

        Assert.Contains("DEVICE_DELETED of cpu2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_the_connection_drops_When_waiting_Then_ConnectionLost_instead_of_a_timeout()
    {
        using var subscription = _client.SubscribeToEvents("SHUTDOWN");
        var waiting = subscription.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        _server.DropClient();

        var error = await Assert.ThrowsAsync<QmpException>(() => waiting);
        Assert.Equal(QmpErrorKind.ConnectionLost, error.Kind);
        Assert.Contains("SHUTDOWN", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_disposed_subscription_When_events_arrive_Then_it_gets_none_and_others_still_do()
    {
        var disposed = _client.Subscribe();
        using var other = _client.Subscribe();
        disposed.Dispose();

        await _server.SendRecordedEventAsync("event-00-RESUME");

        Assert.Equal("RESUME", (await other.WaitAsync(TimeSpan.FromSeconds(5), Ct)).Name);
        Assert.True(disposed.Reader.Completion.IsCompleted);
        Assert.False(disposed.Reader.TryRead(out _));
    }

    [Fact]
    public async Task Given_a_filter_that_throws_When_an_event_arrives_Then_it_is_logged_and_other_subscribers_still_get_it()
    {
        using var broken = _client.Subscribe(_ => throw new InvalidOperationException("boom"), "broken");
        using var healthy = _client.Subscribe();

        await _server.SendRecordedEventAsync("event-00-RESUME");

        Assert.Equal("RESUME", (await healthy.WaitAsync(TimeSpan.FromSeconds(5), Ct)).Name);
        Assert.Contains(_log, line => line.Contains("broken", StringComparison.Ordinal) && line.Contains("boom", StringComparison.Ordinal));
        Assert.False(broken.Reader.TryRead(out _));
    }
}
