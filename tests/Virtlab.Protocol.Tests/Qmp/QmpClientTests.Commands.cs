using System.Text.Json.Nodes;
using Virtlab.Qmp;

namespace Virtlab.Protocol.Tests.Qmp;

public sealed partial class QmpClientTests
{
    [Fact]
    public async Task Given_commands_When_executed_Then_each_carries_a_unique_id_and_the_return_value_comes_back()
    {
        await using var client = await ConnectAsync();

        var status = await client.ExecuteAsync("query-status", cancellationToken: Ct);
        var kvm = await client.ExecuteAsync("query-kvm", cancellationToken: Ct);

        Assert.Equal("prelaunch", status!["status"]!.GetValue<string>());
        Assert.False(kvm!["enabled"]!.GetValue<bool>());
        var ids = _server.Received.Select(r => r.Id!.GetValue<string>()).ToList();
        Assert.Equal(3, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task Given_two_concurrent_commands_When_QEMU_answers_them_out_of_order_Then_each_caller_gets_its_own_reply()
    {
        var bothArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var versionRequest = new TaskCompletionSource<FakeQmpRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.On("query-version", r =>
        {
            versionRequest.SetResult(r);
            return Task.CompletedTask;
        });
        _server.On("query-status", async r =>
        {
            var version = await versionRequest.Task;
            await r.ReplyRecordedAsync("query-status");
            await version.ReplyRecordedAsync("query-version");
            bothArrived.SetResult();
        });
        await using var client = await ConnectAsync();

        var version = client.QueryVersionAsync(Ct);
        var status = client.QueryStatusAsync(Ct);

        Assert.Equal(new StatusInfo("prelaunch", false), await status);
        Assert.Equal(10, (await version).Major);
        await bothArrived.Task;
    }

    [Fact]
    public async Task Given_an_error_reply_When_executing_Then_QmpCommandException_carries_the_class_description_and_command()
    {
        _server.On("device_del", r => r.ReplyRecordedAsync("error-device_del-missing"));
        await using var client = await ConnectAsync();

        var error = await Assert.ThrowsAsync<QmpCommandException>(() => client.DeviceDelAsync("nope", Ct));

        Assert.Equal(QmpErrorKind.CommandError, error.Kind);
        Assert.Equal("DeviceNotFound", error.ErrorClass);
        Assert.Equal("Device 'nope' not found", error.Description);
        Assert.Equal("device_del", error.Command);
        Assert.False(error.IsTransient);
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task Given_an_unknown_command_When_executing_Then_the_recorded_CommandNotFound_class_is_reported()
    {
        await using var client = await ConnectAsync();

        var error = await Assert.ThrowsAsync<QmpCommandException>(() => client.ExecuteAsync("no-such-command", cancellationToken: Ct));

        Assert.Equal("CommandNotFound", error.ErrorClass);
    }

    [Fact]
    public async Task Given_a_raw_request_with_its_own_id_When_executed_raw_Then_the_whole_reply_comes_back_with_that_id()
    {
        _server.On("device_del", r => r.ReplyRecordedAsync("error-device_del-missing"));
        await using var client = await ConnectAsync();
        var request = new JsonObject { ["execute"] = "query-status", ["id"] = "user-7" };

        var reply = await client.ExecuteRawAsync(request, cancellationToken: Ct);
        var errorReply = await client.ExecuteRawAsync(
            new JsonObject { ["execute"] = "device_del", ["arguments"] = new JsonObject { ["id"] = "nope" } },
            cancellationToken: Ct);

        Assert.Equal("user-7", reply["id"]!.GetValue<string>());
        Assert.Equal("prelaunch", reply["return"]!["status"]!.GetValue<string>());
        Assert.NotEqual("user-7", _server.Received[1].Id!.GetValue<string>());
        Assert.Equal("user-7", request["id"]!.GetValue<string>());
        Assert.Equal("DeviceNotFound", errorReply["error"]!["class"]!.GetValue<string>());
        Assert.False(errorReply.ContainsKey("id"));
    }

    [Fact]
    public async Task Given_a_raw_request_without_execute_When_executed_raw_Then_it_is_rejected_before_sending()
    {
        await using var client = await ConnectAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => client.ExecuteRawAsync(new JsonObject { ["exec-oob"] = "x" }, cancellationToken: Ct));

        Assert.Single(_server.Received);
    }

    [Fact]
    public async Task Given_arguments_When_executing_Then_they_are_sent_unchanged_and_the_callers_object_stays_reusable()
    {
        await using var client = await ConnectAsync();
        var arguments = new JsonObject { ["path"] = "/machine/peripheral/balloon0", ["property"] = "guest-stats-polling-interval" };

        await client.ExecuteAsync("qom-get", arguments, cancellationToken: Ct);
        var value = await client.ExecuteAsync("qom-get", arguments, cancellationToken: Ct);

        Assert.Equal(2, value!.GetValue<int>());
        Assert.Equal("/machine/peripheral/balloon0", _server.Received[2].Arguments!["path"]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_quit_When_QEMU_answers_and_closes_the_socket_Then_QuitAsync_succeeds_and_Completion_completes()
    {
        await using var client = await ConnectAsync();

        await client.QuitAsync(Ct);
        await client.Completion.WaitAsync(TimeSpan.FromSeconds(5), Ct);

        Assert.False(client.IsConnected);
        Assert.Equal(QmpErrorKind.ConnectionLost, client.CloseReason!.Kind);
    }

    [Fact]
    public async Task Given_quit_When_QEMU_closes_the_socket_before_answering_Then_QuitAsync_still_succeeds()
    {
        _server.On("quit", r =>
        {
            r.CloseConnection();
            return Task.CompletedTask;
        });
        await using var client = await ConnectAsync();

        await client.QuitAsync(Ct);

        await client.Completion.WaitAsync(TimeSpan.FromSeconds(5), Ct);
    }

    [Fact]
    public async Task Given_a_cancelled_wait_When_the_reply_comes_later_Then_the_call_is_cancelled_and_the_late_reply_ignored()
    {
        var late = new TaskCompletionSource<FakeQmpRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.On("stop", r =>
        {
            late.SetResult(r);
            return Task.CompletedTask;
        });
        await using var client = await ConnectAsync();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var stop = client.StopAsync(cancel.Token);
        var request = await late.Task;
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stop);
        await request.ReplyRecordedAsync("stop");

        Assert.Equal("prelaunch", (await client.QueryStatusAsync(Ct)).Status);
        Assert.Contains(_log, line => line.Contains("unknown id", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Given_a_disposed_client_When_executing_Then_ConnectionLost()
    {
        var client = await ConnectAsync();
        await client.DisposeAsync();

        var e = await Assert.ThrowsAsync<QmpException>(() => client.QueryStatusAsync(Ct));
        Assert.Equal(QmpErrorKind.ConnectionLost, e.Kind);
        Assert.False(client.IsConnected);
        Assert.True(client.Completion.IsCompleted);
    }
}
