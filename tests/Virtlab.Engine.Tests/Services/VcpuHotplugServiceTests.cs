using System.Text.Json.Nodes;
using Virtlab.Engine.Domains;

namespace Virtlab.Engine.Tests.Services;

public sealed class VcpuHotplugServiceTests
{
    [Fact]
    public async Task Given_one_vcpu_When_setvcpus_2_live_Then_the_lowest_free_slot_is_plugged_and_onlined_in_the_guest()
    {
        await using var host = await FakeDomainHost.StartAsync();
        var plugged = 1;
        host.Qmp.On("device_add", async r =>
        {
            await r.ReplyAsync(new JsonObject { ["return"] = new JsonObject() });
            Interlocked.Increment(ref plugged);
            host.Guest.AddCpu(1);
            await host.Qmp.SendEventAsync("ACPI_DEVICE_OST", new JsonObject { ["info"] = new JsonObject { ["device"] = r.Arguments!["id"]!.DeepClone(), ["source"] = 1, ["status"] = 0 } });
        });
        host.Qmp.On("query-cpus-fast", r => r.ReplyAsync(new JsonObject
        {
            ["return"] = new JsonArray([.. Enumerable.Range(0, Volatile.Read(ref plugged)).Select(i => (JsonNode)new JsonObject { ["cpu-index"] = i, ["qom-path"] = $"/machine/x{i}", ["thread-id"] = 1, ["target"] = "x86_64" })]),
        }));

        var reply = await host.Engine.Vcpus.SetVcpusLiveAsync("t1", 2, TestContext.Current.CancellationToken);

        Assert.Equal(("completed", 2, 2), (reply.Result, reply.LiveVcpus, reply.GuestOnline));
        var add = await host.Qmp.WaitForRequestAsync("device_add", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(("vcpu1", 1), (add.Arguments!["id"]!.GetValue<string>(), add.Arguments["core-id"]!.GetValue<int>()));
        Assert.Equal(2, host.Guest.OnlineCpus);
        Assert.Null(host.Domain.Job.Current);
    }

    [Fact]
    public async Task Given_a_migration_holding_the_domain_When_setvcpus_Then_it_is_refused_as_busy_with_migration_out_before_QEMU_is_asked()
    {
        await using var host = await FakeDomainHost.StartAsync();
        using var migration = host.Domain.Job.Begin(DomainJobKind.MigrationOut);

        var e = await Assert.ThrowsAsync<VirtlabException>(() => host.Engine.Vcpus.SetVcpusLiveAsync("t1", 2, TestContext.Current.CancellationToken));

        Assert.Equal(ErrorKind.Busy, e.Kind);
        Assert.StartsWith("domain 't1' is busy with job 'migration-out'", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Qmp.Received, r => r.Command is "device_add" or "query-hotpluggable-cpus");
    }

    [Fact]
    public async Task Given_maxvcpus_4_When_setvcpus_5_Then_the_count_is_refused_with_the_limit()
    {
        await using var host = await FakeDomainHost.StartAsync();

        var e = await Assert.ThrowsAsync<VirtlabException>(() => host.Engine.Vcpus.SetVcpusLiveAsync("t1", 5, TestContext.Current.CancellationToken));

        Assert.Contains("above this domain's maximum of 4", Assert.Single(e.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_running_domain_When_vcpucount_Then_config_live_and_guest_counts_are_read()
    {
        await using var host = await FakeDomainHost.StartAsync();
        _ = host.Guest;

        var count = await host.Engine.Vcpus.VcpuCountAsync("t1", TestContext.Current.CancellationToken);

        Assert.Equal((4, 1, 1, 1), (count.MaximumConfig, count.CurrentConfig, count.CurrentLive, count.CurrentGuest));
    }
}
