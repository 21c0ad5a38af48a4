using System.Text.Json;
using Virtlab.Api;
using Virtlab.Domain.Definitions;
using Virtlab.Engine.Cluster;

namespace Virtlab.Engine.Tests.Cluster;

/// <summary>Which host restarts a dead host's VM, and the keys and events that record it.</summary>
public sealed class OrphanPlacementTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 1, 0, 0, TimeSpan.Zero);

    private static readonly DomainDefinition Vm = new() { Name = "ha1", MemoryKiB = 256 * 1024, CurrentMemoryKiB = 256 * 1024 };

    private static ClusterHostRecord Host(string id, long freeMiB, params string[] vms) =>
        new(id, null, "AMD EPYC", ["sse2"], freeMiB * 1024, 2, "10.0.2", "tcg (auto)", vms, At);

    [Fact]
    public void The_host_with_the_fewest_vms_that_has_the_memory_is_chosen()
    {
        var chosen = ClusterPlacement.Choose(Vm, null, [Host("h1", 4096, "a", "b"), Host("h2", 1024, "c"), Host("h3", 128)]);

        // h3 has no VM but not the memory; h2 runs fewer VMs than h1.
        Assert.Equal("h2", chosen);
    }

    [Fact]
    public void Ties_go_to_the_most_free_memory_then_the_smallest_host_id_so_every_host_agrees()
    {
        Assert.Equal("h2", ClusterPlacement.Choose(Vm, null, [Host("h1", 1024), Host("h2", 2048)]));
        Assert.Equal("h1", ClusterPlacement.Choose(Vm, null, [Host("h2", 1024), Host("h1", 1024)]));
    }

    [Fact]
    public void No_host_with_the_memory_places_nothing()
    {
        Assert.Null(ClusterPlacement.Choose(Vm, null, [Host("h1", 255)]));
        Assert.Null(ClusterPlacement.Choose(Vm, null, []));
    }

    [Fact]
    public void State_and_definition_keys_sit_beside_the_owner_key_and_only_the_state_key_names_its_vm()
    {
        Assert.Equal("/virtlab/vms/ha1/state", ClusterKeys.VmState("ha1"));
        Assert.Equal("/virtlab/vms/ha1/definition", ClusterKeys.VmDefinition("ha1"));
        Assert.Equal("ha1", ClusterKeys.VmOfStateKey(ClusterKeys.VmState("ha1")));
        Assert.Null(ClusterKeys.VmOfStateKey(ClusterKeys.VmOwner("ha1")));
        Assert.Null(ClusterKeys.VmOfOwnerKey(ClusterKeys.VmState("ha1")));
        Assert.Null(ClusterKeys.VmOfStateKey("/virtlab/vms/a/b/state"));
    }

    [Fact]
    public void Events_sort_by_time_and_the_latest_are_kept()
    {
        var events = Enumerable.Range(0, 12)
            .Select(i => At.AddSeconds(i))
            .Reverse()
            .Select(t => new EtcdKeyValue(
                ClusterKeys.Event(t, "h1"),
                JsonSerializer.Serialize(new ClusterEvent(t, "h1", "ha1", "restarted", t.Second.ToString(System.Globalization.CultureInfo.InvariantCulture)), ApiJsonContext.Default.ClusterEvent),
                0,
                1))
            .Append(new EtcdKeyValue(ClusterKeys.EventsPrefix + "999999999999999-x", "not json", 0, 1))
            .ToList();

        var latest = ClusterStatusBuilder.LatestEvents(events, 10);

        Assert.Equal(Enumerable.Range(2, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), latest.Select(e => e.Message));
    }
}
