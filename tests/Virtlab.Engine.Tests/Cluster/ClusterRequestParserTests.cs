using Virtlab.Engine.Cluster;

namespace Virtlab.Engine.Tests.Cluster;

public sealed class ClusterRequestParserTests
{
    private static IReadOnlyList<string> Problems(string? etcd, string? ttl = null)
    {
        var e = Assert.Throws<VirtlabException>(() => ClusterRequestParser.Parse(etcd, ttl));
        Assert.Equal(ErrorKind.InvalidInput, e.Kind);
        return e.Errors.Select(x => $"{x.Path}: {x.Message}").ToList();
    }

    [Fact]
    public void Host_port_entries_become_http_urls_in_the_order_given_without_duplicates()
    {
        var (endpoints, _) = ClusterRequestParser.Parse("127.0.0.1:2379, http://10.0.0.2:2379,127.0.0.1:2379,[::1]:2381", null);

        Assert.Equal(["http://127.0.0.1:2379", "http://10.0.0.2:2379", "http://[::1]:2381"], endpoints);
    }

    [Fact]
    public void A_host_name_is_kept_as_it_is()
    {
        var (endpoints, _) = ClusterRequestParser.Parse("etcd-1:2379", null);

        Assert.Equal(["http://etcd-1:2379"], endpoints);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void No_endpoint_says_what_to_give(string? etcd)
    {
        var p = Assert.Single(Problems(etcd));

        Assert.StartsWith("--etcd: give the etcd client URLs", p, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1", "is not HOST:PORT")]
    [InlineData("http://127.0.0.1", "is not HOST:PORT")]
    [InlineData("127.0.0.1:notaport", "is not HOST:PORT")]
    [InlineData("127.0.0.1:2379/v3", "is not HOST:PORT")]
    [InlineData("127.0.0.1:0", "the port must be 1 to 65535")]
    [InlineData("https://127.0.0.1:2379", "only plain http://")]
    [InlineData("unix:///run/etcd.sock", "only plain http://")]
    [InlineData("127.0.0.1:2379,,127.0.0.1:2380", "has an empty endpoint")]
    public void A_bad_endpoint_is_reported_on_etcd(string etcd, string expected)
    {
        var p = Assert.Single(Problems(etcd));

        Assert.StartsWith("--etcd: ", p, StringComparison.Ordinal);
        Assert.Contains(expected, p, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, 10)]
    [InlineData("5", 5)]
    [InlineData("5s", 5)]
    [InlineData("2m", 120)]
    [InlineData(" 30s ", 30)]
    public void The_lease_ttl_is_whole_seconds_or_minutes_with_a_default_of_10_s(string? ttl, int seconds)
    {
        Assert.Equal(seconds, ClusterRequestParser.Parse("127.0.0.1:2379", ttl).LeaseTtlSeconds);
    }

    [Theory]
    [InlineData("1s", "1 s is outside 2 s to 3600 s")]
    [InlineData("61m", "3660 s is outside 2 s to 3600 s")]
    [InlineData("1.5s", "is not a duration")]
    [InlineData("-5", "is not a duration")]
    [InlineData("5h", "is not a duration")]
    public void A_bad_lease_ttl_is_reported_on_lease_ttl(string ttl, string expected)
    {
        var p = Assert.Single(Problems("127.0.0.1:2379", ttl));

        Assert.StartsWith("--lease-ttl: ", p, StringComparison.Ordinal);
        Assert.Contains(expected, p, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        Assert.Equal(3, Problems("a,https://b:1", "1s").Count);
    }
}
