using System.Diagnostics;
using Virtlab.Qga;

namespace Virtlab.Protocol.Tests.Qga;

public sealed partial class GuestAgentClientTests
{
    [Fact]
    public async Task Given_no_socket_When_connecting_Then_ConnectFailed()
    {
        var error = await Assert.ThrowsAsync<GuestAgentException>(() =>
            GuestAgentClient.ConnectAsync(Path.Combine(Path.GetTempPath(), "vl-missing", "qga.sock"), Options(), Ct));

        Assert.Equal(GuestAgentErrorKind.ConnectFailed, error.Kind);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task Given_the_socket_closes_When_waiting_for_a_reply_Then_ConnectionLost_and_later_calls_fail_fast()
    {
        await using var client = await ConnectAsync(script: agent => agent.On("guest-get-time", async _ =>
        {
            await Task.Delay(Timeout.Infinite, agent.Stopping);
            return null;
        }));
        await client.PingAsync(Ct);
        var pending = client.GetTimeAsync(Ct);
        await WaitUntilAsync(() => Agent.ReceivedCommands.Contains("guest-get-time"));

        Agent.DropClient();

        var error = await Assert.ThrowsAsync<GuestAgentException>(() => pending);
        Assert.Equal(GuestAgentErrorKind.ConnectionLost, error.Kind);
        Assert.False(error.IsTransient);
        var started = Stopwatch.GetTimestamp();
        var later = await Assert.ThrowsAsync<GuestAgentException>(() => client.PingAsync(Ct));
        Assert.Equal(GuestAgentErrorKind.ConnectionLost, later.Kind);
        Assert.Same(error.InnerException, later.InnerException);
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(1));
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task Given_a_cancelled_wait_When_the_next_command_runs_Then_the_session_resyncs()
    {
        await using var client = await ConnectAsync(script: agent => agent.On("guest-get-osinfo", async _ =>
        {
            await Task.Delay(200, CancellationToken.None);
            return Recorded.Qga("guest-get-osinfo");
        }));
        await client.PingAsync(Ct);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var osInfo = client.GetOsInfoAsync(cancel.Token);
        await WaitUntilAsync(() => Agent.ReceivedCommands.Contains("guest-get-osinfo"));

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => osInfo);
        var vcpus = await client.GetVcpusAsync(Ct);

        Assert.Equal(2, vcpus.Count);
        Assert.Equal(2, Agent.SyncRequests);
    }

    [Fact]
    public async Task Given_a_disposed_client_When_executing_Then_ConnectionLost()
    {
        var client = await ConnectAsync();
        await client.DisposeAsync();

        var e = await Assert.ThrowsAsync<GuestAgentException>(() => client.PingAsync(Ct));
        Assert.Equal(GuestAgentErrorKind.ConnectionLost, e.Kind);
        Assert.Contains("closed", e.Message, StringComparison.Ordinal);
    }
}
