using Virtlab.Engine;
using Virtlab.Engine.Cluster;
using Virtlab.IntegrationTests.Infrastructure;

namespace Virtlab.IntegrationTests;

/// <summary>
/// The etcd calls the cluster feature relies on, against a real 3-member etcd: the ownership transaction
/// (create only if CreateRevision == 0), keys that go with their lease, keep-alive, and the error for no etcd.
/// </summary>
public sealed class EtcdStoreTests
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task An_ownership_key_is_created_once_and_goes_with_the_lease_of_its_owner()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var etcd = await EtcdCluster.StartAsync(3, ct);
        using var h1 = new EtcdStore(etcd.ClientUrls, CallTimeout);
        using var h2 = new EtcdStore([etcd.ClientUrls[1]], CallTimeout);
        var lease1 = await h1.GrantLeaseAsync(5, ct);
        var lease2 = await h2.GrantLeaseAsync(5, ct);
        var key = ClusterKeys.VmOwner("f1");

        var first = await h1.CreateAsync(key, "h1", lease1, ct);
        var second = await h2.CreateAsync(key, "h2", lease2, ct);

        Assert.Null(first);
        Assert.NotNull(second);
        Assert.Equal(("h1", lease1), (second.Value, second.Lease));
        Assert.True(await h1.KeepAliveOnceAsync(lease1, CallTimeout, ct) is > 0);

        Assert.True(await h1.RevokeLeaseAsync(lease1, ct));
        Assert.Null(await h2.GetAsync(key, ct));
        Assert.Null(await h1.KeepAliveOnceAsync(lease1, CallTimeout, ct));
        Assert.Null(await h2.CreateAsync(key, "h2", lease2, ct));
        Assert.Equal("h2", (await h1.GetAsync(key, ct))!.Value);
        Assert.False(await h1.DeleteIfValueAsync(key, "h1", ct));
        Assert.True(await h2.DeleteIfValueAsync(key, "h2", ct));
    }

    [Fact]
    public async Task No_etcd_is_one_unreachable_error_that_names_the_endpoints()
    {
        Requirements.Etcd();
        using var store = new EtcdStore(["http://127.0.0.1:9"], TimeSpan.FromSeconds(1));

        var e = await Assert.ThrowsAsync<VirtlabException>(() => store.GetAsync(ClusterKeys.Cluster, TestContext.Current.CancellationToken));

        Assert.Equal(ErrorKind.Unreachable, e.Kind);
        Assert.StartsWith("cannot reach etcd at http://127.0.0.1:9 to read /virtlab/cluster", e.Message, StringComparison.Ordinal);
    }
}
