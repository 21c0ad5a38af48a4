using System.Text.Json.Nodes;
using Virtlab.Domain.State;

namespace Virtlab.Engine.Tests.Services;

public sealed class LifecycleServiceTests
{
    [Fact]
    public async Task Given_a_setmem_in_progress_When_shutdown_is_asked_Then_it_is_refused_as_busy_with_setmem_and_the_power_button_is_not_pressed()
    {
        await using var host = await FakeDomainHost.StartAsync();
        MemoryScript.Script(host);
        host.Qmp.NeverAnswer("balloon");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var setmem = host.Engine.Memory.SetMemLiveAsync("t1", "200M", stop.Token);
        await host.Qmp.WaitForRequestAsync("balloon", cancellationToken: TestContext.Current.CancellationToken);

        var e = await Assert.ThrowsAsync<VirtlabException>(() => host.Engine.Lifecycle.ShutdownAsync("t1", null, TestContext.Current.CancellationToken));

        Assert.Equal(ErrorKind.Busy, e.Kind);
        Assert.StartsWith("domain 't1' is busy with job 'setmem'", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Qmp.Received, r => r.Command == "system_powerdown");
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => setmem);
        Assert.Null(host.Domain.Job.Current);
    }

    [Fact]
    public async Task Given_a_running_domain_When_it_powers_off_at_the_button_Then_shutdown_returns_and_the_domain_is_gone()
    {
        await using var host = await FakeDomainHost.StartAsync();
        host.Qmp.On("system_powerdown", async r =>
        {
            await r.ReplyAsync(new JsonObject { ["return"] = new JsonObject() });
            host.Domain.Process.Signal(15);
        });

        await host.Engine.Lifecycle.ShutdownAsync("t1", TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        Assert.False(host.Context.Domains.Contains("t1"));
        Assert.Equal("shut off", Assert.Single(host.Engine.Lifecycle.List(all: true)).State);
    }

    [Fact]
    public async Task Given_a_guest_that_ignores_the_button_When_the_bound_runs_out_Then_shutdown_says_to_destroy_and_the_domain_still_runs()
    {
        await using var host = await FakeDomainHost.StartAsync();

        var e = await Assert.ThrowsAsync<VirtlabException>(() => host.Engine.Lifecycle.ShutdownAsync("t1", TimeSpan.FromSeconds(1.5), TestContext.Current.CancellationToken));

        Assert.Equal(ErrorKind.Timeout, e.Kind);
        Assert.Contains("virtlab destroy t1", e.Message, StringComparison.Ordinal);
        Assert.Equal(DomainState.Running, host.Domain.State);
        Assert.Null(host.Domain.Job.Current);
    }

    [Fact]
    public async Task Given_a_qemu_whose_monitor_fails_the_power_button_When_shutdown_is_asked_Then_it_says_so_and_the_domain_is_running_not_shutting_down()
    {
        await using var host = await FakeDomainHost.StartAsync();
        host.Qmp.On("system_powerdown", r => r.ReplyAsync(new System.Text.Json.Nodes.JsonObject
        {
            ["error"] = new System.Text.Json.Nodes.JsonObject { ["class"] = "GenericError", ["desc"] = "monitor hung" },
        }));

        var e = await Assert.ThrowsAsync<VirtlabException>(() => host.Engine.Lifecycle.ShutdownAsync("t1", TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken));

        Assert.Equal(ErrorKind.QemuError, e.Kind);
        Assert.Contains("did not take the power button", e.Message, StringComparison.Ordinal);
        Assert.Contains("virtlab destroy t1", e.Message, StringComparison.Ordinal);
        Assert.Equal(DomainState.Running, host.Domain.State);
        Assert.Null(host.Domain.Job.Current);
    }

    [Fact]
    public async Task Given_a_running_domain_When_undefined_Then_the_state_machine_says_to_destroy_it_first()
    {
        await using var host = await FakeDomainHost.StartAsync();

        var e = Assert.Throws<VirtlabException>(() => host.Engine.Lifecycle.Undefine("t1"));

        Assert.Contains("is running: destroy it before undefine", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_paused_domain_Then_list_says_paused()
    {
        await using var host = await FakeDomainHost.StartAsync();
        host.Domain.OnVcpusRunning(false);

        var row = Assert.Single(host.Engine.Lifecycle.List(all: false));

        Assert.Equal((1, "t1", "paused"), (row.Id, row.Name, row.State));
    }
}
