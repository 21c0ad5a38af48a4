using System.Text.Json.Nodes;
using Virtlab.Qmp;

namespace Virtlab.Protocol.Tests.Qmp;

public sealed partial class QmpClientTests
{
    /// <summary>From the notes' QEMU 10.0 transcript: the guest acknowledged a CPU plug.</summary>
    private static JsonObject AcpiDeviceOstPlugged() => new()
    {
        ["info"] = new JsonObject { ["device"] = "cpu1", ["source"] = 1, ["status"] = 0, ["slot"] = "1", ["slot-type"] = "CPU" },
    };

    [Fact]
    public async Task Given_a_subscription_When_events_interleave_with_replies_Then_replies_and_events_both_arrive_in_order()
    {
        _server.On("device_add", async r =>
        {
            await _server.SendRecordedEventAsync("event-00-RESUME");
            await r.ReplyRecordedAsync("device_add");
            await _server.SendLineAsync(Event("ACPI_DEVICE_OST", AcpiDeviceOstPlugged()).ToJsonString());
        });
        await using var client = await ConnectAsync();
        using var all = client.Subscribe();
        using var ost = client.SubscribeToEvents("ACPI_DEVICE_OST");

        await client.DeviceAddAsync(
            new JsonObject { ["driver"] = "qemu64-x86_64-cpu", ["id"] = "cpu1", ["socket-id"] = 0, ["core-id"] = 1, ["thread-id"] = 0 },
            Ct);
        var plugged = await ost.WaitAsync(TimeSpan.FromSeconds(5), Ct);

        Assert.Equal("ACPI_DEVICE_OST", plugged.Name);
        Assert.Equal("cpu1", plugged.Data!["info"]!["device"]!.GetValue<string>());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795625438).AddTicks(286966 * 10), plugged.Timestamp);
        var resume = await all.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.Equal("RESUME", resume.Name);
        Assert.Null(resume.Data);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795626054).AddTicks(311962 * 10), resume.Timestamp);
        Assert.Equal("ACPI_DEVICE_OST", (await all.WaitAsync(TimeSpan.FromSeconds(5), Ct)).Name);
    }

    [Fact]
    public async Task Given_a_subscriber_whose_filter_blocks_When_replies_arrive_Then_commands_still_complete()
    {
        using var release = new ManualResetEventSlim();
        var filterEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.On("stop", async r =>
        {
            await _server.SendRecordedEventAsync("event-02-STOP");
            await r.ReplyRecordedAsync("stop");
        });
        await using var client = await ConnectAsync();
        using var slow = client.Subscribe(e =>
        {
            filterEntered.TrySetResult();
            release.Wait(TimeSpan.FromSeconds(10));
            return true;
        });

        await client.StopAsync(Ct);
        await filterEntered.Task.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        var status = await client.QueryStatusAsync(Ct);
        release.Set();

        Assert.Equal("prelaunch", status.Status);
        Assert.Equal("STOP", (await slow.WaitAsync(TimeSpan.FromSeconds(5), Ct)).Name);
    }

    [Fact]
    public async Task Given_QEMU_sends_SHUTDOWN_and_exits_When_the_socket_closes_Then_the_event_is_delivered_before_the_subscription_ends()
    {
        _server.On("quit", async r =>
        {
            await r.ReplyRecordedAsync("quit");
            await _server.SendRecordedEventAsync("event-03-SHUTDOWN");
            r.CloseConnection();
        });
        await using var client = await ConnectAsync();
        using var events = client.Subscribe();

        await client.QuitAsync(Ct);
        await client.Completion.WaitAsync(TimeSpan.FromSeconds(5), Ct);

        var shutdown = await events.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.Equal("SHUTDOWN", shutdown.Name);
        Assert.Equal("host-qmp-quit", shutdown.Data!["reason"]!.GetValue<string>());
        var closed = await Assert.ThrowsAsync<QmpException>(() => events.WaitAsync(TimeSpan.FromSeconds(5), Ct));
        Assert.Equal(QmpErrorKind.ConnectionLost, closed.Kind);
    }

    [Fact]
    public async Task Given_the_connection_is_closed_When_subscribing_Then_the_subscription_is_already_complete()
    {
        var client = await ConnectAsync();
        await client.DisposeAsync();

        using var late = client.Subscribe();

        Assert.True(late.Reader.Completion.IsCompleted);
    }
}
