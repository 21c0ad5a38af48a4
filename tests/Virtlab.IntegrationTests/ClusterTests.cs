using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Virtlab.IntegrationTests.Infrastructure;

namespace Virtlab.IntegrationTests;

/// <summary>
/// cluster init / join / leave / status with real daemons on a real 3-member etcd cluster (no QEMU: hosts with no VMs).
/// Each test starts its own etcd members on free 127.0.0.1 ports and its own daemons, and stops them all by PID.
/// </summary>
public sealed class ClusterTests
{
    private const int Ttl = 5;

    [Fact]
    public async Task Three_hosts_join_a_three_member_etcd_cluster_and_status_lists_them_all()
    {
        await using var etcd = await EtcdCluster.StartAsync(3, TestContext.Current.CancellationToken);
        await using var a = new VirtlabHost();
        await using var b = new VirtlabHost();
        await using var c = new VirtlabHost();
        await b.ListenAsync();

        var created = await a.OkAsync("cluster", "init", "--etcd", etcd.Endpoints, "--lease-ttl", $"{Ttl}s");
        await b.OkAsync("cluster", "join", "--etcd", etcd.Endpoints, "--lease-ttl", $"{Ttl}s");
        await c.OkAsync("cluster", "join", "--etcd", etcd.ClientUrls[2]);

        Assert.Contains("Cluster created", created, StringComparison.Ordinal);
        foreach (var host in new[] { a, b, c })
        {
            var hosts = await HostsAsync(host);
            Assert.Equal(3, hosts.Count);
            Assert.All(hosts, h => Assert.Equal("alive", h["health"]!.GetValue<string>()));
            Assert.Single(hosts, h => h["self"]!.GetValue<bool>());
        }

        var idOfB = await HostIdAsync(b);
        var rowOfB = (await HostsAsync(a)).Single(h => h["hostId"]!.GetValue<string>() == idOfB);
        Assert.Equal(b.Uri, rowOfB["address"]!.GetValue<string>());
        Assert.True(rowOfB["cores"]!.GetValue<int>() >= 1);
        var table = await a.OkAsync("cluster", "status");
        Assert.Contains("Health", table, StringComparison.Ordinal);
        Assert.Equal(3, table.Split('\n').Count(l => l.StartsWith('│') && l.Contains(" alive ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_killed_daemon_shows_as_expired_within_its_lease_ttl()
    {
        await using var etcd = await EtcdCluster.StartAsync(3, TestContext.Current.CancellationToken);
        await using var a = new VirtlabHost();
        await using var b = new VirtlabHost();
        await a.OkAsync("cluster", "init", "--etcd", etcd.Endpoints, "--lease-ttl", $"{Ttl}s");
        await b.OkAsync("cluster", "join", "--etcd", etcd.Endpoints, "--lease-ttl", $"{Ttl}s");
        var idOfB = await HostIdAsync(b);

        b.KillDaemon();
        var killed = Stopwatch.StartNew();
        await a.PollAsync(s => Health(s, idOfB) == "expired", TimeSpan.FromSeconds(Ttl + 10), "cluster", "status", "--json");
        var took = killed.Elapsed;

        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"lease TTL {Ttl} s: the killed host showed as expired after {took.TotalSeconds:0.0} s"));
        Assert.True(took < TimeSpan.FromSeconds(Ttl + 3), $"expired after {took.TotalSeconds:0.0} s, TTL {Ttl} s");
        Assert.Equal("alive", Health(await a.OkAsync("cluster", "status", "--json"), await HostIdAsync(a)));
    }

    [Fact]
    public async Task Leave_removes_the_host_at_once_and_a_restarted_daemon_rejoins_by_itself()
    {
        await using var etcd = await EtcdCluster.StartAsync(3, TestContext.Current.CancellationToken);
        await using var a = new VirtlabHost();
        await using var b = new VirtlabHost();
        await a.OkAsync("cluster", "init", "--etcd", etcd.Endpoints, "--lease-ttl", $"{Ttl}s");
        await b.OkAsync("cluster", "join", "--etcd", etcd.Endpoints, "--lease-ttl", $"{Ttl}s");
        var idOfB = await HostIdAsync(b);

        await b.OkAsync("daemon", "stop");
        await b.OkAsync("daemon", "start");
        await b.PollAsync(s => Health(s, idOfB) == "alive" && s.Contains("\"lease\": \"alive", StringComparison.Ordinal), TimeSpan.FromSeconds(Ttl), "cluster", "status", "--json");

        var left = await b.OkAsync("cluster", "leave");

        Assert.Contains("left the cluster (lease revoked)", left, StringComparison.Ordinal);
        Assert.Null(Health(await a.OkAsync("cluster", "status", "--json"), idOfB));
        Assert.Contains("not in a cluster", await b.OkAsync("cluster", "status"), StringComparison.Ordinal);
        await b.OkAsync("daemon", "stop");
        await b.OkAsync("daemon", "start");
        Assert.Contains("not in a cluster", await b.OkAsync("cluster", "status"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_etcd_gives_one_clear_error_and_the_daemon_keeps_serving()
    {
        Requirements.Etcd();
        await using var a = new VirtlabHost();
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        var r = await a.RunAsync("cluster", "join", "--etcd", $"127.0.0.1:{port}");
        var bad = await a.RunAsync("cluster", "init", "--etcd", "127.0.0.1:notaport", "--lease-ttl", "1s");

        Assert.Equal(1, r.ExitCode);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains($"cannot reach etcd at http://127.0.0.1:{port}", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("check that etcd runs there", r.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("--etcd: '127.0.0.1:notaport' is not HOST:PORT", bad.Stderr, StringComparison.Ordinal);
        Assert.Contains("--lease-ttl: 1 s is outside", bad.Stderr, StringComparison.Ordinal);
        Assert.Contains("not in a cluster", await a.OkAsync("cluster", "status"), StringComparison.Ordinal);
        await a.OkAsync("list");
    }

    [Fact]
    public async Task With_one_etcd_member_down_the_hosts_stay_alive_and_with_all_down_they_fence_and_rejoin()
    {
        await using var etcd = await EtcdCluster.StartAsync(3, TestContext.Current.CancellationToken);
        await using var a = new VirtlabHost();
        await using var b = new VirtlabHost();
        await a.OkAsync("cluster", "init", "--etcd", etcd.Endpoints, "--lease-ttl", $"{Ttl}s");
        await b.OkAsync("cluster", "join", "--etcd", etcd.Endpoints, "--lease-ttl", $"{Ttl}s");

        etcd.Kill(0);
        await Task.Delay(TimeSpan.FromSeconds(Ttl + 2), TestContext.Current.CancellationToken);
        var hosts = await HostsAsync(a);
        Assert.Equal(2, hosts.Count);
        Assert.All(hosts, h => Assert.Equal("alive", h["health"]!.GetValue<string>()));

        etcd.KillAll();
        var killed = Stopwatch.StartNew();
        var offline = await a.RunAsync("cluster", "status");
        while (!offline.Stdout.Contains("Fenced:", StringComparison.Ordinal) && killed.Elapsed < TimeSpan.FromSeconds(Ttl + 10))
        {
            await Task.Delay(250, TestContext.Current.CancellationToken);
            offline = await a.RunAsync("cluster", "status");
        }

        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"lease TTL {Ttl} s: fenced {killed.Elapsed.TotalSeconds:0.0} s after etcd went away"));
        // The host fences itself before etcd could expire its lease (TTL - interval/2 after the last keep-alive sent).
        Assert.True(killed.Elapsed < TimeSpan.FromSeconds(Ttl + 1), $"fenced only after {killed.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(1, offline.ExitCode);
        Assert.Contains("cannot reach etcd", offline.Stderr, StringComparison.Ordinal);
        Assert.Contains("the lease was lost", offline.Stdout, StringComparison.Ordinal);
        Assert.Contains("paused 0 VM(s)", offline.Stdout, StringComparison.Ordinal);

        await etcd.RestartAsync(TestContext.Current.CancellationToken);
        var restarted = Stopwatch.StartNew();
        // A restarted 3-member etcd first elects a leader; the host registers again at its next try (every interval).
        await a.PollAsync(s => s.Contains("\"lease\": \"alive", StringComparison.Ordinal), TimeSpan.FromSeconds(Ttl + 30), "cluster", "status", "--json");
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"registered again {restarted.Elapsed.TotalSeconds:0.0} s after etcd came back"));
        Assert.Equal("alive", Health(await a.OkAsync("cluster", "status", "--json"), await HostIdAsync(a)));
    }

    private static async Task<List<JsonNode>> HostsAsync(VirtlabHost host) =>
        JsonNode.Parse(await host.OkAsync("cluster", "status", "--json"))!["hosts"]!.AsArray().Select(h => h!).ToList();

    private static async Task<string> HostIdAsync(VirtlabHost host) =>
        JsonNode.Parse(await host.OkAsync("cluster", "status", "--json"))!["hostId"]!.GetValue<string>();

    /// <summary>The health of a host in a cluster status --json, or null when it is not listed.</summary>
    private static string? Health(string statusJson, string hostId) =>
        JsonNode.Parse(statusJson)!["hosts"]!.AsArray().FirstOrDefault(h => h!["hostId"]!.GetValue<string>() == hostId)?["health"]!.GetValue<string>();
}
