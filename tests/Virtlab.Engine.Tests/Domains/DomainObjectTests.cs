using Virtlab.Domain.State;
using Virtlab.Engine.Tests.Services;

namespace Virtlab.Engine.Tests.Domains;

/// <summary>The domain object's state: changed only through the state machine, following QEMU's STOP and RESUME.</summary>
public sealed class DomainObjectTests
{
    [Fact]
    public async Task Given_a_running_domain_When_QEMU_stops_its_vcpus_Then_it_is_paused_and_when_they_run_again_running()
    {
        await using var host = await FakeDomainHost.StartAsync();

        host.Domain.OnVcpusRunning(false);
        Assert.Equal(DomainState.Paused, host.Domain.State);
        host.Domain.OnVcpusRunning(true);

        Assert.Equal(DomainState.Running, host.Domain.State);
        Assert.False(host.Domain.Paused);
    }

    [Fact]
    public async Task Given_a_migrating_domain_When_QEMU_stops_its_vcpus_for_the_switch_over_Then_it_stays_migrating_and_shows_paused()
    {
        await using var host = await FakeDomainHost.StartAsync();
        Assert.True(host.Domain.Transition(DomainState.Migrating, "migrate"));

        host.Domain.OnVcpusRunning(false);

        Assert.Equal(DomainState.Migrating, host.Domain.State);
        Assert.Equal(DomainState.Paused, host.Domain.VisibleState);
    }

    [Fact]
    public async Task Given_a_running_domain_When_asked_for_a_transition_the_state_machine_forbids_Then_it_is_ignored()
    {
        await using var host = await FakeDomainHost.StartAsync();

        var moved = host.Domain.Transition(DomainState.Starting, "a late event");

        Assert.False(moved);
        Assert.Equal(DomainState.Running, host.Domain.State);
    }

    [Fact]
    public async Task Given_a_paused_domain_When_a_live_change_is_checked_Then_the_state_machine_says_to_resume_it()
    {
        await using var host = await FakeDomainHost.StartAsync();
        host.Domain.OnVcpusRunning(false);

        var e = Assert.Throws<VirtlabException>(() => host.Domain.EnsureAllowed(DomainAction.SetVcpus));

        Assert.Equal(ErrorKind.InvalidState, e.Kind);
        Assert.StartsWith("domain 't1' is paused: resume it first", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_domain_When_its_QEMU_exits_Then_the_registry_forgets_it_and_says_so()
    {
        await using var host = await FakeDomainHost.StartAsync();
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Context.Domains.Exited += _ => exited.TrySetResult();

        host.Domain.Process.Signal(9);
        await exited.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.False(host.Context.Domains.Contains("t1"));
        Assert.Equal(DomainState.Crashed, host.Domain.State);
    }
}
