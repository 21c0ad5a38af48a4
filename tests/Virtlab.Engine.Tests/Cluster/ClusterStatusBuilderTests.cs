using System.Text.Json;
using Virtlab.Api;
using Virtlab.Engine.Cluster;

namespace Virtlab.Engine.Tests.Cluster;

public sealed class ClusterStatusBuilderTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 1, 0, 0, TimeSpan.Zero);

    private static EtcdKeyValue Member(string id, string? address = null) =>
        new(ClusterKeys.Member(id), JsonSerializer.Serialize(new ClusterMemberRecord(id, address, At), ApiJsonContext.Default.ClusterMemberRecord), 0, 1);

    private static EtcdKeyValue Host(string id, long lease, params string[] vms) =>
        new(ClusterKeys.Host(id), JsonSerializer.Serialize(
            new ClusterHostRecord(id, $"virtlab+tcp://127.0.0.1:1660{id[^1]}", "AMD EPYC", ["sse2"], 2048 * 1024, 2, "10.0.2", "tcg (auto)", vms, At),
            ApiJsonContext.Default.ClusterHostRecord), lease, 2);

    private static EtcdKeyValue Owner(string vm, string host) => new(ClusterKeys.VmOwner(vm), host, 7, 3);

    [Fact]
    public void A_member_with_its_host_key_is_alive_with_its_facts_and_lease_left()
    {
        var rows = ClusterStatusBuilder.Rows([Member("h1")], [Host("h1", 7, "f1")], [], new Dictionary<long, long?> { [7] = 4 }, "h1");

        var row = Assert.Single(rows);
        Assert.Equal(("h1", "alive", 4L, true), (row.HostId, row.Health, row.LeaseTtlRemainingSeconds, row.Self));
        Assert.Equal(("virtlab+tcp://127.0.0.1:16601", "AMD EPYC", 2, 2048L * 1024, "10.0.2"), (row.Address, row.CpuModel, row.Cores, row.FreeMemoryKiB, row.QemuVersion));
        Assert.Equal(["f1"], row.Vms);
    }

    [Fact]
    public void A_member_whose_lease_is_gone_is_expired_and_keeps_the_address_it_joined_with()
    {
        var rows = ClusterStatusBuilder.Rows([Member("h1"), Member("h2", "virtlab+tcp://127.0.0.1:16602")], [Host("h1", 7)], [], new Dictionary<long, long?>(), "h1");

        Assert.Equal(["h1", "h2"], rows.Select(r => r.HostId));
        var h2 = rows[1];
        Assert.Equal(("expired", (long?)null, "virtlab+tcp://127.0.0.1:16602", false), (h2.Health, h2.LeaseTtlRemainingSeconds, h2.Address, h2.Self));
        Assert.Empty(h2.Vms);
    }

    [Fact]
    public void A_host_key_without_a_member_key_is_listed_too()
    {
        var row = Assert.Single(ClusterStatusBuilder.Rows([], [Host("h3", 9)], [], new Dictionary<long, long?> { [9] = 9 }, null));

        Assert.Equal(("h3", "alive", false), (row.HostId, row.Health, row.Self));
    }

    [Fact]
    public void State_keys_are_listed_by_vm_with_where_and_why_and_unreadable_ones_are_left_out()
    {
        static EtcdKeyValue State(string vm, string state, string host) => new(
            ClusterKeys.VmState(vm), JsonSerializer.Serialize(new ClusterVmState(state, host, At, "defined there (define --cluster)"), ApiJsonContext.Default.ClusterVmState), 0, 4);

        var states = ClusterStatusBuilder.States([State("d2", "running", "h1"), Owner("d2", "h1"), State("d1", "shut off", "h2"), new EtcdKeyValue(ClusterKeys.VmState("d3"), "not json", 0, 5)]);

        Assert.Equal(
            [new ClusterVmStatus("d1", "shut off", "h2", At, "defined there (define --cluster)"), new ClusterVmStatus("d2", "running", "h1", At, "defined there (define --cluster)")],
            states);
    }

    [Fact]
    public void Ownership_keys_are_shown_on_the_row_of_their_owner()
    {
        var owners = ClusterStatusBuilder.Owners([Owner("f2", "h1"), Owner("f1", "h2"), new EtcdKeyValue("/virtlab/vms/f3/other", "h1", 0, 1)]);
        var rows = ClusterStatusBuilder.Rows([Member("h1"), Member("h2")], [Host("h1", 7, "f2")], owners, new Dictionary<long, long?>(), "h1");

        Assert.Equal([new ClusterVmOwner("f1", "h2"), new ClusterVmOwner("f2", "h1")], owners);
        Assert.Equal(["f2"], rows[0].OwnedVms);
        Assert.Equal(["f1"], rows[1].OwnedVms);
    }

    [Fact]
    public void A_value_that_is_not_our_json_still_gives_a_row()
    {
        var garbled = new EtcdKeyValue(ClusterKeys.Host("h1"), "{not json", 7, 1);

        var row = Assert.Single(ClusterStatusBuilder.Rows([new EtcdKeyValue(ClusterKeys.Member("h1"), "?", 0, 1)], [garbled], [], new Dictionary<long, long?>(), null));

        Assert.Equal(("h1", "alive", null), (row.HostId, row.Health, row.CpuModel));
    }

    [Fact]
    public void Free_memory_is_memavailable_from_proc_meminfo()
    {
        Assert.Equal(24202564, HostFacts.MemAvailableKiB(["MemTotal:       24634300 kB", "MemFree:        23000000 kB", "MemAvailable:   24202564 kB"]));
        Assert.Equal(0, HostFacts.MemAvailableKiB(["MemTotal:       24634300 kB"]));
    }
}
