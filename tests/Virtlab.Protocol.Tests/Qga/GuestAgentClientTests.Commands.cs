using System.Text.Json.Nodes;
using Virtlab.Qga;

namespace Virtlab.Protocol.Tests.Qga;

public sealed partial class GuestAgentClientTests
{
    [Fact]
    public async Task Given_guest_shutdown_When_sent_Then_it_returns_without_a_reply_and_the_next_command_resyncs()
    {
        await using var client = await ConnectAsync();

        await client.ShutdownAsync(GuestShutdownMode.Reboot, Ct);
        await client.PingAsync(Ct);

        Assert.Equal(["guest-sync-delimited", "guest-shutdown", "guest-sync-delimited", "guest-ping"], Agent.ReceivedCommands);
        Assert.Equal("reboot", Agent.Received[1]["arguments"]!["mode"]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_a_guest_program_When_run_Then_it_is_polled_until_exit_and_its_base64_output_decoded()
    {
        var polls = 0;
        await using var client = await ConnectAsync(script: agent => agent.On("guest-exec-status", _ =>
            Task.FromResult<JsonObject?>(Interlocked.Increment(ref polls) < 3
                ? Reply(new JsonObject { ["exited"] = false })
                : Recorded.Qga("guest-exec-status"))));

        var result = await client.RunAsync("/bin/sh", ["-c", "echo hello from the guest; echo oops >&2; exit 3"], TimeSpan.FromSeconds(5), Ct);

        Assert.Equal(new GuestExecResult(3, "hello from the guest\n", "oops\n"), result);
        Assert.Null(result.Signal);
        Assert.Equal(3, polls);
        var exec = Agent.Received.Single(r => r["execute"]!.GetValue<string>() == "guest-exec")["arguments"]!;
        Assert.Equal("/bin/sh", exec["path"]!.GetValue<string>());
        Assert.Equal(["-c", "echo hello from the guest; echo oops >&2; exit 3"], exec["arg"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.True(exec["capture-output"]!.GetValue<bool>());
        var pid = Recorded.Qga("guest-exec")["return"]!["pid"]!.GetValue<long>();
        Assert.All(
            Agent.Received.Where(r => r["execute"]!.GetValue<string>() == "guest-exec-status"),
            r => Assert.Equal(pid, r["arguments"]!["pid"]!.GetValue<long>()));
    }

    [Fact]
    public async Task Given_a_program_with_output_far_larger_than_the_read_buffer_When_run_Then_all_of_it_is_decoded()
    {
        var output = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"line {i}\n"));
        await using var client = await ConnectAsync(script: agent => agent.On("guest-exec-status", _ =>
            Task.FromResult<JsonObject?>(Reply(new JsonObject
            {
                ["exited"] = true,
                ["exitcode"] = 0,
                ["out-data"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(output)),
            }))));

        var result = await client.RunAsync("/bin/seq", ["0", "19999"], TimeSpan.FromSeconds(5), Ct);

        Assert.Equal(output, result.Stdout);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task Given_a_guest_program_that_never_exits_When_run_with_a_timeout_Then_ExecTimeout_names_it()
    {
        await using var client = await ConnectAsync(script: agent => agent.On("guest-exec-status", _ =>
            Task.FromResult<JsonObject?>(Reply(new JsonObject { ["exited"] = false }))));

        var error = await Assert.ThrowsAsync<GuestAgentException>(() => client.RunAsync("/bin/sleep", ["100"], TimeSpan.FromMilliseconds(200), Ct));

        Assert.Equal(GuestAgentErrorKind.ExecTimeout, error.Kind);
        Assert.Contains("'/bin/sleep'", error.Message, StringComparison.Ordinal);
        Assert.Contains("still running", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_program_killed_by_a_signal_When_run_Then_the_exit_code_is_128_plus_the_signal()
    {
        await using var client = await ConnectAsync(script: agent => agent.On("guest-exec-status", _ =>
            Task.FromResult<JsonObject?>(Reply(new JsonObject { ["exited"] = true, ["signal"] = 9 }))));

        var result = await client.RunAsync("/bin/sleep", ["100"], TimeSpan.FromSeconds(5), Ct);

        Assert.Equal(137, result.ExitCode);
        Assert.Equal(9, result.Signal);
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact]
    public async Task Given_an_error_reply_When_executing_Then_GuestAgentCommandException_carries_class_and_description()
    {
        await using var client = await ConnectAsync(script: agent => agent.On("guest-set-time", _ =>
            Task.FromResult<JsonObject?>(Recorded.Qga("error-disabled-command"))));

        var error = await Assert.ThrowsAsync<GuestAgentCommandException>(() => client.SetTimeAsync(null, Ct));

        Assert.Equal(GuestAgentErrorKind.CommandError, error.Kind);
        Assert.Equal("CommandNotFound", error.ErrorClass);
        Assert.Equal("Command guest-shutdown has been disabled: the command is not allowed", error.Description);
        Assert.Equal("guest-set-time", error.Command);
        await client.PingAsync(Ct);
        Assert.Equal(1, Agent.SyncRequests);
    }

    [Fact]
    public async Task Given_the_recorded_agent_When_using_typed_commands_Then_replies_are_typed()
    {
        await using var client = await ConnectAsync();

        var info = await client.InfoAsync(Ct);
        var vcpus = await client.GetVcpusAsync(Ct);
        var os = await client.GetOsInfoAsync(Ct);
        var host = await client.GetHostNameAsync(Ct);

        Assert.Equal("10.0.2", info.Version);
        Assert.Contains(info.SupportedCommands, c => c is { Name: "guest-exec", Enabled: true, SuccessResponse: true });
        Assert.Contains(info.SupportedCommands, c => c is { Name: "guest-shutdown", SuccessResponse: false });
        Assert.Equal([new GuestVcpu(1, true, true), new GuestVcpu(0, true, false)], vcpus);
        Assert.Equal("debian", os.Id);
        Assert.Equal("Debian GNU/Linux 12 (bookworm)", os.PrettyName);
        Assert.Equal("x86_64", os.Machine);
        Assert.Equal("vm", host);
    }

    [Fact]
    public async Task Given_vcpus_to_online_When_setting_them_Then_only_logical_id_and_online_are_sent_and_the_count_returned()
    {
        await using var client = await ConnectAsync(script: agent =>
        {
            agent.On("guest-set-vcpus", r => Task.FromResult<JsonObject?>(Reply(r["arguments"]!["vcpus"]!.AsArray().Count)));
            agent.On("guest-set-time", _ => Task.FromResult<JsonObject?>(Recorded.Qga("guest-ping")));
        });

        var changed = await client.SetVcpusAsync([new GuestVcpu(1, true, true), new GuestVcpu(2, false)], Ct);
        await client.SetTimeAsync(1795625482521957000, Ct);

        Assert.Equal(2, changed);
        Assert.Equal(
            """{"vcpus":[{"logical-id":1,"online":true},{"logical-id":2,"online":false}]}""",
            Agent.Received[1]["arguments"]!.ToJsonString());
        Assert.Equal(1795625482521957000, Agent.Received[2]["arguments"]!["time"]!.GetValue<long>());
    }

    [Fact]
    public async Task Given_a_raw_request_with_its_own_id_When_executed_raw_Then_the_whole_reply_comes_back_with_that_id()
    {
        await using var client = await ConnectAsync();

        var reply = await client.ExecuteRawAsync(new JsonObject { ["execute"] = "guest-get-vcpus", ["id"] = 17 }, cancellationToken: Ct);
        var error = await client.ExecuteRawAsync(new JsonObject { ["execute"] = "guest-nope" }, cancellationToken: Ct);
        var shutdown = await client.ExecuteRawAsync(new JsonObject { ["execute"] = "guest-shutdown" }, cancellationToken: Ct);

        Assert.Equal(17, reply["id"]!.GetValue<int>());
        Assert.Equal(2, reply["return"]!.AsArray().Count);
        Assert.Equal("CommandNotFound", error["error"]!["class"]!.GetValue<string>());
        Assert.False(error.ContainsKey("id"));
        Assert.Empty(shutdown);
        Assert.NotEqual("17", Agent.Received[1]["id"]!.ToJsonString());
    }

    [Fact]
    public async Task Given_an_agent_that_does_not_echo_ids_When_executing_on_a_synced_session_Then_its_replies_are_accepted()
    {
        await using var client = await ConnectAsync(script: agent => agent.EchoIds = false);

        var host = await client.GetHostNameAsync(Ct);
        var time = await client.GetTimeAsync(Ct);

        Assert.Equal("vm", host);
        Assert.Equal(Recorded.Qga("guest-get-time")["return"]!.GetValue<long>(), time);
    }

    [Fact]
    public async Task Given_two_callers_When_executing_concurrently_Then_the_agent_sees_one_command_at_a_time()
    {
        var inFlight = 0;
        var maxInFlight = 0;
        await using var client = await ConnectAsync(script: agent => agent.On("guest-get-time", async _ =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref maxInFlight, now);
            await Task.Delay(30, CancellationToken.None);
            Interlocked.Decrement(ref inFlight);
            return Recorded.Qga("guest-get-time");
        }));

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => client.GetTimeAsync(Ct)));

        Assert.All(results, t => Assert.Equal(Recorded.Qga("guest-get-time")["return"]!.GetValue<long>(), t));
        Assert.Equal(1, maxInFlight);
        Assert.Equal(1, Agent.SyncRequests);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
