using System.Text.Json.Nodes;
using Virtlab.Domain.State;

namespace Virtlab.Engine.Tests.Services;

public sealed class ClockServiceTests
{
    [Fact]
    public async Task Given_a_running_domain_When_suspended_and_resumed_Then_QEMU_is_stopped_and_continued_and_the_pause_is_measured()
    {
        await using var host = await FakeDomainHost.StartAsync();
        host.Qmp.On("stop", async r =>
        {
            await r.ReplyAsync(new JsonObject { ["return"] = new JsonObject() });
            await host.Qmp.SendEventAsync("STOP");
        });
        host.Qmp.On("cont", async r =>
        {
            await r.ReplyAsync(new JsonObject { ["return"] = new JsonObject() });
            await host.Qmp.SendEventAsync("RESUME");
        });

        await host.Engine.Clock.SuspendAsync("t1", TestContext.Current.CancellationToken);
        Assert.Equal(DomainState.Paused, host.Domain.State);
        await Task.Delay(200, TestContext.Current.CancellationToken);
        var reply = await host.Engine.Clock.ResumeAsync("t1", syncTime: false, TestContext.Current.CancellationToken);

        Assert.Equal(DomainState.Running, host.Domain.State);
        Assert.InRange(reply.PausedSeconds!.Value, 0.15, 5);
        Assert.Null(host.Domain.Job.Current);
    }

    [Fact]
    public async Task Given_a_running_domain_When_resumed_Then_it_is_refused_as_not_paused()
    {
        await using var host = await FakeDomainHost.StartAsync();

        var e = await Assert.ThrowsAsync<VirtlabException>(() => host.Engine.Clock.ResumeAsync("t1", false, TestContext.Current.CancellationToken));

        Assert.Equal((ErrorKind.InvalidState, "domain 't1' is not paused"), (e.Kind, e.Message));
    }

    [Fact]
    public async Task Given_a_guest_clock_behind_When_domtime_sync_Then_the_guest_is_set_from_the_host_and_both_offsets_are_reported()
    {
        await using var host = await FakeDomainHost.StartAsync();
        var offset = -5_000_000_000L;
        host.Agent.On("guest-get-time", _ => Task.FromResult<JsonObject?>(new JsonObject { ["return"] = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100 + Interlocked.Read(ref offset) }));
        host.Agent.On("guest-set-time", r =>
        {
            Interlocked.Exchange(ref offset, r["arguments"]!["time"]!.GetValue<long>() - ((DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100));
            return Task.FromResult<JsonObject?>(new JsonObject { ["return"] = new JsonObject() });
        });

        var reply = await host.Engine.Clock.DomTimeAsync("t1", new Virtlab.Api.DomTimeRequest(Sync: true), TestContext.Current.CancellationToken);

        Assert.InRange(reply.OffsetBeforeSeconds!.Value, -5.5, -4.5);
        Assert.InRange(reply.OffsetSeconds, -0.5, 0.5);
    }
}
