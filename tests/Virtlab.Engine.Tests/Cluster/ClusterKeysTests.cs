using Virtlab.Engine.Cluster;

namespace Virtlab.Engine.Tests.Cluster;

public sealed class ClusterKeysTests
{
    [Fact]
    public void Every_key_is_under_virtlab()
    {
        string[] keys = [ClusterKeys.Cluster, ClusterKeys.Member("h1"), ClusterKeys.Host("h1"), ClusterKeys.VmOwner("f1")];

        Assert.All(keys, k => Assert.StartsWith(ClusterKeys.Root, k, StringComparison.Ordinal));
        Assert.Equal(["/virtlab/cluster", "/virtlab/members/h1", "/virtlab/hosts/h1", "/virtlab/vms/f1/owner"], keys);
    }

    [Fact]
    public void The_host_id_is_read_back_from_member_and_host_keys_only()
    {
        Assert.Equal("h1", ClusterKeys.HostIdOf(ClusterKeys.Member("h1")));
        Assert.Equal("h1", ClusterKeys.HostIdOf(ClusterKeys.Host("h1")));
        Assert.Null(ClusterKeys.HostIdOf("/virtlab/hosts/"));
        Assert.Null(ClusterKeys.HostIdOf("/virtlab/hosts/h1/extra"));
        Assert.Null(ClusterKeys.HostIdOf(ClusterKeys.VmOwner("f1")));
    }

    [Fact]
    public void The_vm_name_is_read_back_from_an_ownership_key_only()
    {
        Assert.Equal("f1", ClusterKeys.VmOfOwnerKey(ClusterKeys.VmOwner("f1")));
        Assert.Null(ClusterKeys.VmOfOwnerKey("/virtlab/vms/f1/other"));
        Assert.Null(ClusterKeys.VmOfOwnerKey("/virtlab/vms//owner"));
        Assert.Null(ClusterKeys.VmOfOwnerKey("/virtlab/vms/a/b/owner"));
        Assert.Null(ClusterKeys.VmOfOwnerKey(ClusterKeys.Host("h1")));
    }

    [Fact]
    public void A_new_host_id_is_the_machine_name_and_a_random_part_safe_in_a_key()
    {
        var a = ClusterKeys.NewHostId();
        var b = ClusterKeys.NewHostId();

        Assert.NotEqual(a, b);
        Assert.Matches("^[a-z0-9-]+-[0-9a-f]{8}$", a);
        Assert.Equal(a, ClusterKeys.HostIdOf(ClusterKeys.Host(a)));
    }
}
