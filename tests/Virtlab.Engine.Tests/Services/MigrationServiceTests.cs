using Virtlab.Api;
using Virtlab.Engine.Domains;

namespace Virtlab.Engine.Tests.Services;

/// <summary>The migration feature's refusals and its view of jobs, on a fake domain (the real migrations are integration tests).</summary>
public sealed class MigrationServiceTests
{
    private static MigrateRequest To(string uri) => new(uri, Live: true, Token: "t");

    [Fact]
    public async Task Given_no_migration_When_domjobabort_Then_it_says_there_is_no_migration_job()
    {
        await using var host = await FakeDomainHost.StartAsync();

        var e = await Assert.ThrowsAsync<VirtlabException>(() => host.Engine.MigrationOut.JobAbortAsync("t1", TestContext.Current.CancellationToken));

        Assert.Equal((ErrorKind.InvalidState, "domain 't1' has no migration job running"), (e.Kind, e.Message));
    }

    [Fact]
    public async Task Given_no_migration_When_domjobinfo_Then_the_job_is_none()
    {
        await using var host = await FakeDomainHost.StartAsync();

        var info = await host.Engine.MigrationOut.JobInfoAsync("t1", completed: false, TestContext.Current.CancellationToken);

        Assert.Equal("None", info.JobType);
    }

    [Fact]
    public async Task Given_a_QEMU_process_marked_not_migratable_When_migrate_Then_it_is_refused_with_the_reason_and_nothing_is_asked_of_QEMU()
    {
        await using var host = await FakeDomainHost.StartAsync();
        host.Domain.BlockMigration("its QEMU process plugged a vCPU after unplugging one");

        var e = await Assert.ThrowsAsync<VirtlabException>(() => host.Engine.MigrationOut.MigrateAsync("t1", To("virtlab+tcp://127.0.0.1:1"), TestContext.Current.CancellationToken));

        Assert.Equal(ErrorKind.Unsupported, e.Kind);
        Assert.Contains("plugged a vCPU after unplugging one", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Qmp.Received, r => r.Command.StartsWith("migrate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Given_a_setmem_holding_the_domain_When_migrate_Then_it_is_refused_as_busy_with_setmem()
    {
        await using var host = await FakeDomainHost.StartAsync();
        using var setmem = host.Domain.Job.Begin(DomainJobKind.SetMem);

        var e = await Assert.ThrowsAsync<VirtlabException>(() => host.Engine.MigrationOut.MigrateAsync("t1", To("virtlab+tcp://127.0.0.1:1"), TestContext.Current.CancellationToken));

        Assert.StartsWith("domain 't1' is busy with job 'setmem'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_destination_nobody_listens_on_When_migrate_Then_it_fails_and_the_guest_keeps_running_here_with_its_job_released()
    {
        await using var host = await FakeDomainHost.StartAsync();
        MemoryScript.Script(host);

        await Assert.ThrowsAsync<VirtlabException>(() => host.Engine.MigrationOut.MigrateAsync("t1", To("virtlab+tcp://127.0.0.1:1"), TestContext.Current.CancellationToken));

        Assert.Equal(Virtlab.Domain.State.DomainState.Running, host.Domain.State);
        Assert.Null(host.Domain.Job.Current);
        Assert.True(host.Context.Domains.Contains("t1"));
    }

    [Fact]
    public async Task Given_a_QEMU_that_fails_a_query_before_the_transfer_When_migrate_Then_the_error_names_QEMU_and_the_guest_keeps_running()
    {
        await using var host = await FakeDomainHost.StartAsync();

        var e = await Assert.ThrowsAsync<VirtlabException>(() => host.Engine.MigrationOut.MigrateAsync("t1", To("virtlab+tcp://127.0.0.1:1"), TestContext.Current.CancellationToken));

        Assert.Equal(ErrorKind.QemuError, e.Kind);
        Assert.StartsWith("QEMU of 't1': ", e.Message, StringComparison.Ordinal);
        Assert.Null(host.Domain.Job.Current);
    }

    [Fact]
    public async Task Given_nothing_incoming_Then_the_destination_says_absent_for_an_unknown_name_and_running_for_a_running_one()
    {
        await using var host = await FakeDomainHost.StartAsync();

        Assert.Equal("absent", host.Engine.MigrationIn.StatusOf("other").State);
        Assert.Equal("running", host.Engine.MigrationIn.StatusOf("t1").State);
        await host.Engine.MigrationIn.AbortAsync("t1");
        Assert.True(host.Context.Domains.Contains("t1"));
    }
}
