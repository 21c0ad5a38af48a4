using System.Diagnostics;
using System.Text.Json.Nodes;
using Virtlab.Qga;

namespace Virtlab.Protocol.Tests.Qga;

public sealed partial class GuestAgentClientTests
{
    [Fact]
    public async Task Given_a_fresh_connection_When_the_first_command_runs_Then_the_client_syncs_with_0xFF_and_a_random_id_first()
    {
        await using var client = await ConnectAsync();

        await client.PingAsync(Ct);
        await client.PingAsync(Ct);

        Assert.Equal(["guest-sync-delimited", "guest-ping", "guest-ping"], Agent.ReceivedCommands);
        Assert.Equal(1, Agent.StrayBytes);
        var syncId = Agent.Received[0]["arguments"]!["id"]!.GetValue<long>();
        Assert.True(syncId > 0);
        Assert.NotEqual(Agent.Received[1]["id"]!.GetValue<string>(), Agent.Received[2]["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_connecting_When_nothing_is_called_Then_nothing_is_sent()
    {
        await using var client = await ConnectAsync();
        await Task.Delay(50, Ct);

        Assert.Empty(Agent.Received);
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task Given_stray_byte_errors_and_stale_replies_before_the_sync_id_When_syncing_Then_all_are_discarded()
    {
        await using var client = await ConnectAsync();
        Agent.QueueStaleLinesBeforeNextSync(
            Recorded.QgaLine("stray-byte-error"),
            """{"return": {"pid": 160}}""",
            """{"return": 1510596464}""",
            "\xFF" + """{"return": 98765}""",
            Recorded.QgaLine("guest-get-time"),
            """{"return": [{"online": true, "can-offline": false, "logical-id": 0}], "id": "vl-1"}""",
            """{"error": {"class": "GenericError", "desc": "JSON parse error, stray '\uFFFD'"}}""");

        await client.SyncAsync(TimeSpan.FromSeconds(5), Ct);
        var vcpus = await client.GetVcpusAsync(Ct);

        Assert.Equal(2, vcpus.Count);
        Assert.Equal(["guest-sync-delimited", "guest-get-vcpus"], Agent.ReceivedCommands);
        Assert.True(_log.Count(l => l.Contains("discarded while syncing", StringComparison.Ordinal)) >= 6);
    }

    [Fact]
    public async Task Given_the_agent_starts_late_When_waiting_for_it_Then_earlier_syncs_are_answered_late_and_discarded_and_ping_succeeds()
    {
        await using var client = await ConnectAsync(FakeAgentState.NotStarted);
        var waiting = client.WaitForAgentAsync(TimeSpan.FromSeconds(10), Ct);
        await WaitUntilAsync(() => Agent.StrayBytes >= 3);

        Agent.StartAgent();
        await waiting;
        var time = await client.GetTimeAsync(Ct);

        Assert.Equal(Recorded.Qga("guest-get-time")["return"]!.GetValue<long>(), time);
        var commands = Agent.ReceivedCommands;
        var syncs = commands.TakeWhile(c => c == "guest-sync-delimited").Count();
        Assert.True(syncs >= 3, $"expected several syncs, got {string.Join(",", commands)}");
        Assert.Equal(["guest-ping", "guest-get-time"], commands.Skip(syncs));
        Assert.Contains(_log, l => l.Contains("late answer to an earlier sync", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Given_the_agent_never_starts_When_waiting_for_it_Then_Unresponsive_asks_whether_qemu_guest_agent_runs()
    {
        await using var client = await ConnectAsync(FakeAgentState.NotStarted);
        var started = Stopwatch.GetTimestamp();

        var error = await Assert.ThrowsAsync<GuestAgentException>(() => client.WaitForAgentAsync(TimeSpan.FromMilliseconds(400), Ct));

        Assert.Equal(GuestAgentErrorKind.Unresponsive, error.Kind);
        Assert.Equal("guest agent did not answer within 400 ms; is qemu-guest-agent running in the guest?", error.Message);
        Assert.True(error.IsTransient);
        Assert.InRange(Stopwatch.GetElapsedTime(started), TimeSpan.FromMilliseconds(350), TimeSpan.FromSeconds(3));
        Assert.True(Agent.StrayBytes >= 2, $"the sync was resent every 100 ms ({Agent.StrayBytes} sent)");
    }

    [Fact]
    public async Task Given_a_hung_agent_When_executing_Then_Unresponsive_within_the_sync_timeout()
    {
        await using var client = await ConnectAsync(FakeAgentState.Hung, Options(syncTimeout: TimeSpan.FromMilliseconds(300)));
        var started = Stopwatch.GetTimestamp();

        var error = await Assert.ThrowsAsync<GuestAgentException>(() => client.PingAsync(Ct));

        Assert.Equal(GuestAgentErrorKind.Unresponsive, error.Kind);
        Assert.Contains("guest agent unresponsive", error.Message, StringComparison.Ordinal);
        Assert.Contains("300 ms", error.Message, StringComparison.Ordinal);
        Assert.InRange(Stopwatch.GetElapsedTime(started), TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(3));
        Assert.Equal(1, Agent.SyncRequests);
    }

    [Fact]
    public async Task Given_a_command_timed_out_When_the_next_command_runs_Then_the_session_resyncs_and_the_late_reply_is_discarded()
    {
        var calls = 0;
        await using var client = await ConnectAsync(script: agent => agent.On("guest-get-time", async _ =>
        {
            // The first call is slow; an agent busy with it answers what follows only afterwards, as qemu-ga does.
            await Task.Delay(Interlocked.Increment(ref calls) == 1 ? 400 : 0, CancellationToken.None);
            return Recorded.Qga("guest-get-time");
        }));

        var error = await Assert.ThrowsAsync<GuestAgentException>(() =>
            client.ExecuteAsync("guest-get-time", timeout: TimeSpan.FromMilliseconds(100), cancellationToken: Ct));
        var host = await client.GetHostNameAsync(Ct);

        Assert.Equal(GuestAgentErrorKind.Unresponsive, error.Kind);
        Assert.Equal("guest agent unresponsive: 'guest-get-time' got no reply within 100 ms", error.Message);
        Assert.Equal("vm", host);
        Assert.Equal(["guest-sync-delimited", "guest-get-time", "guest-sync-delimited", "guest-get-host-name"], Agent.ReceivedCommands);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var started = Stopwatch.GetTimestamp();
        while (!condition())
        {
            Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(5), "condition not reached within 5 s");
            await Task.Delay(10, Ct);
        }
    }
}
