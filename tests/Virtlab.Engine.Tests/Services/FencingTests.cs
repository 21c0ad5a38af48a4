using System.Text.Json.Nodes;
using Virtlab.Domain.State;
using Virtlab.Engine.Cluster;

namespace Virtlab.Engine.Tests.Services;

public sealed class FencingTests
{
    [Fact]
    public async Task Given_a_running_domain_When_the_host_fences_itself_Then_QEMU_is_stopped_and_the_domain_is_paused_once()
    {
        await using var host = await FakeDomainHost.StartAsync();
        host.Reply("stop", new JsonObject());

        var paused = await Fencing.PauseAllAsync(host.Context, TestContext.Current.CancellationToken);
        var again = await Fencing.PauseAllAsync(host.Context, TestContext.Current.CancellationToken);

        Assert.Equal(["t1"], paused);
        Assert.Empty(again);
        Assert.Equal(DomainState.Paused, host.Domain.State);
        Assert.Single(host.Qmp.Received, r => r.Command == "stop");
        Assert.False(host.Domain.Process.HasExited);
    }

    [Fact]
    public async Task Given_a_domain_whose_QEMU_refuses_to_stop_When_fencing_Then_it_is_not_reported_as_paused()
    {
        await using var host = await FakeDomainHost.StartAsync();
        host.Qmp.On("stop", r => r.ReplyAsync(new JsonObject { ["error"] = new JsonObject { ["class"] = "GenericError", ["desc"] = "no" } }));

        var paused = await Fencing.PauseAllAsync(host.Context, TestContext.Current.CancellationToken);

        Assert.Empty(paused);
        Assert.Equal(DomainState.Running, host.Domain.State);
    }
}
