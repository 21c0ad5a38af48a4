using Virtlab.Engine.Domains;

namespace Virtlab.Engine.Tests.Domains;

public sealed class DomainJobTests
{
    [Fact]
    public void Given_a_migration_holding_the_domain_When_setvcpus_begins_Then_it_is_refused_as_busy_naming_the_migration()
    {
        var job = new DomainJob("t1");
        using var migration = job.Begin(DomainJobKind.MigrationOut);

        var e = Assert.Throws<VirtlabException>(() => job.Begin(DomainJobKind.SetVcpus));

        Assert.Equal(ErrorKind.Busy, e.Kind);
        Assert.StartsWith("domain 't1' is busy with job 'migration-out'", e.Message, StringComparison.Ordinal);
        Assert.Contains("setvcpus was not done", e.Message, StringComparison.Ordinal);
        Assert.Contains("virtlab domjobabort t1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_released_job_When_another_begins_Then_it_holds_the_domain()
    {
        var job = new DomainJob("t1");
        job.Begin(DomainJobKind.SetMem).Dispose();

        using var next = job.Begin(DomainJobKind.Shutdown);

        Assert.Equal(DomainJobKind.Shutdown, job.Current);
    }

    [Fact]
    public void Given_a_lease_released_twice_Then_the_job_that_came_after_it_keeps_the_domain()
    {
        var job = new DomainJob("t1");
        var first = job.Begin(DomainJobKind.SetMem);
        first.Dispose();
        using var second = job.Begin(DomainJobKind.SetMem);

        first.Dispose();

        Assert.Equal(DomainJobKind.SetMem, job.Current);
        Assert.False(job.TryBegin(DomainJobKind.AutoBalloon, out _));
    }

    [Fact]
    public async Task Given_a_held_job_When_settling_waits_for_it_Then_it_begins_once_the_holder_is_done()
    {
        var job = new DomainJob("t1");
        var holder = job.Begin(DomainJobKind.MigrationOut);

        var settle = job.BeginWhenFreeAsync(DomainJobKind.MigrationSettle, TestContext.Current.CancellationToken);
        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.False(settle.IsCompleted);
        holder.Dispose();
        using var lease = await settle.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);

        Assert.Equal(DomainJobKind.MigrationSettle, job.Current);
    }

    [Fact]
    public void Given_no_job_Then_the_domain_is_free()
    {
        var job = new DomainJob("t1");

        Assert.Null(job.Current);
        Assert.True(job.TryBegin(DomainJobKind.AutoBalloon, out var lease));
        lease!.Dispose();
        Assert.Null(job.Current);
    }
}
