using System.Diagnostics;
using System.Text.Json.Nodes;
using Virtlab.Qmp;

namespace Virtlab.Protocol.Tests.Qmp;

public sealed partial class QmpClientTests
{
    [Fact]
    public async Task Given_QEMU_never_answers_When_the_timeout_passes_Then_Timeout_names_the_command_and_the_client_stays_usable()
    {
        _server.NeverAnswer("query-hotpluggable-cpus");
        await using var client = await ConnectAsync();
        var started = Stopwatch.GetTimestamp();

        var error = await Assert.ThrowsAsync<QmpException>(() =>
            client.ExecuteAsync("query-hotpluggable-cpus", timeout: TimeSpan.FromMilliseconds(200), cancellationToken: Ct));

        Assert.Equal(QmpErrorKind.Timeout, error.Kind);
        Assert.Contains("'query-hotpluggable-cpus'", error.Message, StringComparison.Ordinal);
        Assert.Contains("200 ms", error.Message, StringComparison.Ordinal);
        Assert.True(error.IsTransient);
        Assert.InRange(Stopwatch.GetElapsedTime(started), TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(3));
        Assert.True(client.IsConnected);
        Assert.Equal("prelaunch", (await client.QueryStatusAsync(Ct)).Status);
    }

    [Fact]
    public async Task Given_a_reply_arrives_after_its_timeout_When_it_comes_Then_it_is_ignored_and_logged()
    {
        var request = new TaskCompletionSource<FakeQmpRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.On("query-kvm", r =>
        {
            request.TrySetResult(r);
            return Task.CompletedTask;
        });
        await using var client = await ConnectAsync();
        await Assert.ThrowsAsync<QmpException>(() => client.ExecuteAsync("query-kvm", timeout: TimeSpan.FromMilliseconds(50), cancellationToken: Ct));

        await (await request.Task).ReplyRecordedAsync("query-kvm");
        var status = await client.QueryStatusAsync(Ct);

        Assert.Equal("prelaunch", status.Status);
        Assert.Contains(_log, line => line.Contains("unknown id", StringComparison.Ordinal) && line.Contains("\"enabled\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Given_pending_commands_When_the_connection_drops_Then_all_fail_with_the_same_cause_and_later_calls_fail_fast()
    {
        _server.NeverAnswer("query-status");
        _server.NeverAnswer("query-version");
        _server.NeverAnswer("cont");
        await using var client = await ConnectAsync();
        Task[] pending = [client.QueryStatusAsync(Ct), client.QueryVersionAsync(Ct), client.ContAsync(Ct)];
        await _server.WaitForRequestAsync("cont", cancellationToken: Ct);
        await _server.WaitForRequestAsync("query-version", cancellationToken: Ct);
        await _server.WaitForRequestAsync("query-status", cancellationToken: Ct);

        _server.DropClient();

        var errors = new List<QmpException>();
        foreach (var task in pending)
        {
            errors.Add(await Assert.ThrowsAsync<QmpException>(() => task));
        }

        Assert.All(errors, e => Assert.Equal(QmpErrorKind.ExecInterrupted, e.Kind));
        Assert.All(errors, e => Assert.Contains("outcome is unknown", e.Message, StringComparison.Ordinal));
        var cause = Assert.IsType<QmpException>(errors[0].InnerException);
        Assert.All(errors, e => Assert.Same(cause, e.InnerException));
        Assert.Equal(QmpErrorKind.ConnectionLost, cause.Kind);
        Assert.False(errors[0].IsTransient);

        var started = Stopwatch.GetTimestamp();
        var later = await Assert.ThrowsAsync<QmpException>(() => client.QueryKvmAsync(Ct));
        Assert.Equal(QmpErrorKind.ConnectionLost, later.Kind);
        Assert.Same(cause, later.InnerException);
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(1));
        Assert.False(client.IsConnected);
        Assert.Same(cause, client.CloseReason);
        await client.Completion.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.Equal(4, _server.Received.Count);
    }

    [Fact]
    public async Task Given_QEMU_sends_a_malformed_line_When_reading_Then_the_connection_is_poisoned_with_ProtocolError()
    {
        _server.NeverAnswer("query-status");
        await using var client = await ConnectAsync();
        var pending = client.QueryStatusAsync(Ct);
        await _server.WaitForRequestAsync("query-status", cancellationToken: Ct);

        await _server.SendLineAsync("""{"return": {"status": "running", """);

        var error = await Assert.ThrowsAsync<QmpException>(() => pending);
        Assert.Equal(QmpErrorKind.ExecInterrupted, error.Kind);
        var cause = Assert.IsType<QmpException>(error.InnerException);
        Assert.Equal(QmpErrorKind.ProtocolError, cause.Kind);
        Assert.Contains("not JSON", cause.Message, StringComparison.Ordinal);
        Assert.Equal(QmpErrorKind.ProtocolError, client.CloseReason!.Kind);
        var later = await Assert.ThrowsAsync<QmpException>(() => client.QueryStatusAsync(Ct));
        Assert.Equal(QmpErrorKind.ConnectionLost, later.Kind);
    }

    [Fact]
    public async Task Given_QEMU_sends_JSON_that_is_neither_reply_nor_event_When_reading_Then_it_is_logged_and_skipped()
    {
        await using var client = await ConnectAsync();

        await _server.SendLineAsync("""{"something": "else"}""");
        var status = await client.QueryStatusAsync(Ct);

        Assert.Equal("prelaunch", status.Status);
        Assert.Contains(_log, line => line.Contains("neither a reply nor an event", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Given_a_reply_far_larger_than_the_read_buffer_When_it_arrives_in_pieces_Then_it_is_reassembled()
    {
        var big = new string('x', 300_000);
        _server.On("qom-get", r => r.ReplyAsync(new JsonObject { ["return"] = big }));
        await using var client = await ConnectAsync();

        var value = await client.QomGetAsync("/machine", "big", Ct);
        var status = await client.QueryStatusAsync(Ct);

        Assert.Equal(big, value!.GetValue<string>());
        Assert.Equal("prelaunch", status.Status);
    }

    [Fact]
    public async Task Given_a_line_longer_than_MaxMessageBytes_When_reading_Then_the_connection_is_poisoned_with_ProtocolError()
    {
        _server.On("qom-get", r => r.ReplyAsync(new JsonObject { ["return"] = new string('x', 100_000) }));
        await using var client = await QmpClient.ConnectAsync(
            _server.SocketPath, new QmpClientOptions { MaxMessageBytes = 50_000, Log = _log.Enqueue }, Ct);

        var error = await Assert.ThrowsAsync<QmpException>(() => client.QomGetAsync("/machine", "big", Ct));

        Assert.Equal(QmpErrorKind.ExecInterrupted, error.Kind);
        Assert.Equal(QmpErrorKind.ProtocolError, client.CloseReason!.Kind);
        Assert.Contains("50000 bytes", client.CloseReason.Message, StringComparison.Ordinal);
    }
}
