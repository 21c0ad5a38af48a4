namespace Virtlab.Engine.Tests.Services;

public sealed class PassthroughServiceTests
{
    [Fact]
    public async Task Given_a_monitor_command_Then_QEMUs_whole_reply_comes_back()
    {
        await using var host = await FakeDomainHost.StartAsync();

        var reply = await host.Engine.Passthrough.MonitorCommandAsync("t1", """{"execute":"query-status"}""", TestContext.Current.CancellationToken);

        Assert.Contains("\"status\"", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_qmp_capabilities_Then_it_is_refused_because_the_daemon_negotiated_it()
    {
        await using var host = await FakeDomainHost.StartAsync();

        var e = await Assert.ThrowsAsync<VirtlabException>(() => host.Engine.Passthrough.MonitorCommandAsync("t1", """{"execute":"qmp_capabilities"}""", TestContext.Current.CancellationToken));

        Assert.Equal(ErrorKind.InvalidInput, e.Kind);
        Assert.Single(host.Qmp.Received, r => r.Command == "qmp_capabilities");
    }

    [Fact]
    public async Task Given_a_paused_guest_When_an_agent_command_is_sent_Then_it_is_refused_at_once_instead_of_timing_out()
    {
        await using var host = await FakeDomainHost.StartAsync();
        host.Domain.OnVcpusRunning(false);

        var e = await Assert.ThrowsAsync<VirtlabException>(() => host.Engine.Passthrough.AgentCommandAsync("t1", """{"execute":"guest-ping"}""", null, TestContext.Current.CancellationToken));

        Assert.StartsWith("domain 't1' is paused: resume it first", e.Message, StringComparison.Ordinal);
        Assert.Empty(host.Agent.Received);
    }

    [Fact]
    public async Task Given_a_running_guest_When_guest_ping_is_sent_Then_the_agents_reply_comes_back()
    {
        await using var host = await FakeDomainHost.StartAsync();

        var reply = await host.Engine.Passthrough.AgentCommandAsync("t1", """{"execute":"guest-ping"}""", null, TestContext.Current.CancellationToken);

        Assert.Contains("\"return\"", reply, StringComparison.Ordinal);
    }
}
