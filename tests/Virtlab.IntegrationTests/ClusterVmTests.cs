using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Virtlab.IntegrationTests.Infrastructure;

namespace Virtlab.IntegrationTests;

/// <summary>
/// VMs in a cluster, with real guests under real daemons on a real 3-member etcd: ownership taken at start, refused to a
/// second host, placement (create and define) and evacuation (its progress per VM), a dead host's VM restarted on exactly one other host, and a host cut off from etcd (its lab-network
/// cable pulled) fencing its VM before another host starts it. Each test starts its own etcd and daemons and
/// stops them by PID.
/// </summary>
public sealed class ClusterVmTests
{
    private const int Ttl = 5;

    private static string[] Image =>
        Environment.GetEnvironmentVariable("VIRTLAB_TEST_IMAGE") is { Length: > 0 } dir ? ["--image", dir] : [];

    [Fact]
    public async Task A_started_vm_is_owned_by_its_host_and_another_host_may_not_start_it()
    {
        Requirements.QemuAndImage();
        await using var etcd = await EtcdCluster.StartAsync(3, TestContext.Current.CancellationToken);
        await using var a = new VirtlabHost();
        await using var b = new VirtlabHost();
        await FormClusterAsync(etcd, a, b);
        var idOfA = await HostIdAsync(a);

        await a.CreateAsync("own1", ["--memory", "256M", .. Image]);
        Assert.Equal(idOfA, Owner(await b.OkAsync("cluster", "status", "--json"), "own1"));

        // The same definition on another host: refused before any QEMU starts, with who owns it.
        var refused = await b.RunAsync(["create", "own1", "--memory", "256M", .. Image]);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"owned by host '{idOfA}'", refused.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("own1", await b.OkAsync("list", "--all"), StringComparison.Ordinal);

        // Shut down where it runs: the ownership goes, and nobody restarts it.
        await a.OkAsync("destroy", "own1");
        await a.PollAsync(s => Owner(s, "own1") is null, TimeSpan.FromSeconds(10), "cluster", "status", "--json");
        await Task.Delay(TimeSpan.FromSeconds(2 * Ttl), TestContext.Current.CancellationToken);
        Assert.DoesNotContain("own1", await b.OkAsync("list"), StringComparison.Ordinal);
        Assert.Null(Owner(await b.OkAsync("cluster", "status", "--json"), "own1"));
    }

    [Fact]
    public async Task A_dead_hosts_vm_is_restarted_on_exactly_one_other_host_and_its_agent_answers_there()
    {
        Requirements.QemuAndImage();
        await using var etcd = await EtcdCluster.StartAsync(3, TestContext.Current.CancellationToken);
        await using var a = new VirtlabHost();
        await using var b = new VirtlabHost();
        await using var c = new VirtlabHost();
        await FormClusterAsync(etcd, a, b, c);
        var qemuOfA = await a.CreateAsync("ha1", ["--memory", "256M", .. Image]);

        // The host dies: its daemon and its QEMU.
        a.KillDaemon();
        Process.GetProcessById(qemuOfA).Kill();
        var died = Stopwatch.StartNew();

        string? newHome = null;
        VirtlabHost? survivor = null;
        while (survivor is null && died.Elapsed < TimeSpan.FromSeconds(Ttl + 150))
        {
            await Task.Delay(500, TestContext.Current.CancellationToken);
            foreach (var h in new[] { b, c })
            {
                var owner = Owner(await h.OkAsync("cluster", "status", "--json"), "ha1");
                if (owner is not null && owner == await HostIdAsync(h) && (await h.RunAsync("qemu-agent-command", "ha1", "{\"execute\":\"guest-ping\"}", "--timeout", "2")).ExitCode == 0)
                {
                    survivor = h;
                    newHome = owner;
                }
            }
        }

        Assert.True(survivor is not null, $"no other host ran ha1 with its agent answering within {died.Elapsed.TotalSeconds:0} s");
        var answered = died.Elapsed;
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"lease TTL {Ttl} s: ha1 restarted on {newHome}, agent answering {answered.TotalSeconds:0.0} s after its host died"));

        // Exactly once: after two more TTLs, one host runs it and owns it, the other runs nothing.
        await Task.Delay(TimeSpan.FromSeconds(2 * Ttl), TestContext.Current.CancellationToken);
        var other = survivor == b ? c : b;
        Assert.Contains("ha1", await survivor.OkAsync("list"), StringComparison.Ordinal);
        Assert.DoesNotContain("ha1", await other.OkAsync("list", "--all"), StringComparison.Ordinal);
        var status = await other.OkAsync("cluster", "status", "--json");
        Assert.Equal(newHome, Owner(status, "ha1"));
        var events = JsonNode.Parse(status)!["events"]!.AsArray();
        Assert.Single(events, e => e!["kind"]!.GetValue<string>() == "restarted" && e["vm"]!.GetValue<string>() == "ha1");
        Assert.Contains("agent answered", await other.OkAsync("cluster", "status"), StringComparison.Ordinal);
        await survivor.QemuPidAsync("ha1");
    }

    [Fact]
    public async Task A_host_cut_off_from_etcd_pauses_its_vm_before_another_host_starts_it_and_keeps_it_paused_when_it_returns()
    {
        Requirements.QemuAndImage();
        using var lab = LabNet.Up(3);
        await using var etcd = await EtcdCluster.StartAsync(3, TestContext.Current.CancellationToken, LabNet.OutsideAddress);
        await using var a = new VirtlabHost();
        await using var b = new VirtlabHost();
        await using var c = new VirtlabHost();
        await a.ListenInLabAsync(1);
        await b.ListenInLabAsync(2);
        await c.ListenInLabAsync(3);
        await FormClusterAsync(etcd, a, b, c);
        await a.CreateAsync("cut1", ["--memory", "256M", .. Image]);

        // Host 1's cable is pulled: it still runs, and its CLI still reaches it (a unix socket), but not etcd.
        LabNet.Unplug(1);
        DateTimeOffset? pausedSeen = null;
        VirtlabHost? survivor = null;
        DateTimeOffset startedThere = default;
        var cut = Stopwatch.StartNew();
        try
        {
            while (survivor is null && cut.Elapsed < TimeSpan.FromSeconds(Ttl + 150))
            {
                if (pausedSeen is null && State(await a.OkAsync("dominfo", "cut1", "--json")) == "paused")
                {
                    pausedSeen = DateTimeOffset.UtcNow;
                    TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"host 1 paused its guest {cut.Elapsed.TotalSeconds:0.0} s after it was cut off"));
                }

                foreach (var h in new[] { b, c })
                {
                    var info = await h.RunAsync("dominfo", "cut1", "--json");
                    if (info.ExitCode == 0 && State(info.Stdout) == "running" &&
                        (await h.RunAsync("qemu-agent-command", "cut1", "{\"execute\":\"guest-ping\"}", "--timeout", "2")).ExitCode == 0)
                    {
                        survivor = h;
                        startedThere = JsonNode.Parse(info.Stdout)!["startedAt"]!.GetValue<DateTimeOffset>();
                    }
                }

                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
        }
        finally
        {
            LabNet.Plug(1);
        }

        Assert.True(survivor is not null, $"no other host ran cut1 within {cut.Elapsed.TotalSeconds:0} s of host 1 being cut off");
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"lease TTL {Ttl} s: cut1 answered on another host {cut.Elapsed.TotalSeconds:0.0} s after host 1 was cut off"));
        Assert.True(pausedSeen is not null, "host 1 never paused its guest");
        // Never two running copies: host 1's copy was seen paused before the other host's QEMU was even started.
        Assert.True(pausedSeen < startedThere, $"host 1's copy was seen paused at {pausedSeen:O}, the other copy started at {startedThere:O}");
        await survivor.QemuPidAsync("cut1");

        // Back on the network, host 1 registers again, sees the VM owned elsewhere and leaves its copy paused.
        await a.PollAsync(s => s.Contains("\"lease\": \"alive", StringComparison.Ordinal), TimeSpan.FromSeconds(Ttl + 30), "cluster", "status", "--json");
        await Task.Delay(TimeSpan.FromSeconds(Ttl), TestContext.Current.CancellationToken);
        var status = await a.OkAsync("cluster", "status", "--json");
        Assert.Equal(await HostIdAsync(survivor), Owner(status, "cut1"));
        Assert.Contains("not owned here: cut1", status, StringComparison.Ordinal);
        Assert.Equal("paused", State(await a.OkAsync("dominfo", "cut1", "--json")));
    }

    [Fact]
    public async Task Create_cluster_places_and_spreads_host_pins_and_evacuate_moves_every_vm_with_its_agent_answering()
    {
        Requirements.QemuAndImage();
        await using var etcd = await EtcdCluster.StartAsync(3, TestContext.Current.CancellationToken);
        await using var a = new VirtlabHost();
        await using var b = new VirtlabHost();
        await using var c = new VirtlabHost();
        await using var lone = new VirtlabHost();
        var hosts = new[] { a, b, c };
        var ids = await FormListeningClusterAsync(etcd, hosts);

        // Bad placements: refused with what to do, before any QEMU starts.
        var unknown = await a.RunAsync(["create", "p0", "--host", "no-such-host", "--memory", "256M", .. Image]);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("--host no-such-host: no live host", unknown.Stderr, StringComparison.Ordinal);
        var huge = await a.RunAsync(["create", "p0", "--cluster", "--memory", "200G", .. Image]);
        Assert.Equal(1, huge.ExitCode);
        Assert.Contains("no host in the cluster can run 'p0'", huge.Stderr, StringComparison.Ordinal);
        Assert.Contains("the VM needs 204800 MiB", huge.Stderr, StringComparison.Ordinal);
        var outside = await lone.RunAsync(["create", "p0", "--cluster", "--memory", "256M", .. Image]);
        Assert.Equal(1, outside.ExitCode);
        Assert.Contains("not in a cluster", outside.Stderr, StringComparison.Ordinal);

        // --host pins; --cluster then avoids the host that already runs a VM (fewest VMs first).
        Assert.Contains($"on host {ids[a]}", await b.OkAsync(["create", "p1", "--host", ids[a], "--memory", "256M", "--wait-agent=90", .. Image]), StringComparison.Ordinal);
        await a.PollAsync(s => Vms(s, ids[a]).Contains("p1"), TimeSpan.FromSeconds(2 * Ttl), "cluster", "status", "--json");
        var placed = await a.OkAsync(["create", "p2", "--cluster", "--memory", "256M", "--wait-agent=90", .. Image]);
        var p2Host = hosts.Single(h => placed.Contains($"on host {ids[h]}", StringComparison.Ordinal));
        Assert.NotEqual(a, p2Host);
        Assert.Equal(ids[p2Host], Owner(await a.OkAsync("cluster", "status", "--json"), "p2"));
        await p2Host.QemuPidAsync("p2");
        await a.QemuPidAsync("p1");

        // Evacuate a, asked on another host: p1 goes to the host that runs nothing.
        await a.PollAsync(s => Vms(s, ids[p2Host]).Contains("p2"), TimeSpan.FromSeconds(2 * Ttl), "cluster", "status", "--json");
        var empty = hosts.Single(h => h != a && h != p2Host);
        var evacuated = await c.OkAsync("host", "evacuate", ids[a], "--json");
        TestContext.Current.TestOutputHelper?.WriteLine(evacuated);
        var moved = JsonNode.Parse(evacuated)!["vms"]!.AsArray().Single()!;
        Assert.Equal("p1", moved["name"]!.GetValue<string>());
        Assert.Equal(ids[empty], moved["toHost"]!.GetValue<string>());
        Assert.True(moved["agentAnswered"]!.GetValue<bool>());
        Assert.DoesNotContain("p1", await a.OkAsync("list"), StringComparison.Ordinal);
        await empty.QemuPidAsync("p1");
        Assert.Equal(0, (await empty.RunAsync("qemu-agent-command", "p1", "{\"execute\":\"guest-ping\"}")).ExitCode);
        await a.PollAsync(s => Owner(s, "p1") == ids[empty], TimeSpan.FromSeconds(2 * Ttl), "cluster", "status", "--json");
        Assert.Contains("runs no VM", await a.OkAsync("host", "evacuate", ids[a]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Define_cluster_puts_the_definition_on_the_placed_host_and_in_etcd_and_evacuate_shows_each_vms_progress()
    {
        Requirements.QemuAndImage();
        await using var etcd = await EtcdCluster.StartAsync(3, TestContext.Current.CancellationToken);
        await using var a = new VirtlabHost();
        await using var b = new VirtlabHost();
        await using var c = new VirtlabHost();
        var hosts = new[] { a, b, c };
        var ids = await FormListeningClusterAsync(etcd, hosts);

        // The CPU every host can run: cpu-baseline over the flags all three publish.
        var baseline = await b.OkAsync("cluster", "baseline");
        TestContext.Current.TestOutputHelper?.WriteLine(baseline);
        Assert.Contains("Every host runs: --cpu ", baseline, StringComparison.Ordinal);
        Assert.Equal(3, JsonNode.Parse(await b.OkAsync("cluster", "baseline", "--json"))!["hosts"]!.AsArray().Count);

        // a runs a VM: define --cluster, asked on a, puts the definition on a host that runs none.
        await a.CreateAsync("d0", ["--memory", "256M", .. Image]);
        await a.PollAsync(s => Vms(s, ids[a]).Contains("d0"), TimeSpan.FromSeconds(2 * Ttl), "cluster", "status", "--json");
        var xml = Path.Combine(a.Home, "d1.xml");
        await File.WriteAllTextAsync(xml, """
            <domain type='qemu'>
              <name>d1</name>
              <memory unit='MiB'>256</memory>
              <vcpu>1</vcpu>
              <os><type arch='x86_64' machine='pc'>hvm</type></os>
              <devices>
                <channel type='unix'>
                  <source mode='bind'/>
                  <target type='virtio' name='org.qemu.guest_agent.0'/>
                </channel>
              </devices>
            </domain>
            """, TestContext.Current.CancellationToken);
        var defined = await a.OkAsync("define", xml, "--cluster");
        TestContext.Current.TestOutputHelper?.WriteLine(defined);
        var holder = hosts.Single(h => defined.Contains($"on host {ids[h]}", StringComparison.Ordinal));
        Assert.NotEqual(a, holder);
        Assert.Contains("d1", await holder.OkAsync("list", "--all"), StringComparison.Ordinal);
        foreach (var h in hosts.Where(h => h != holder))
        {
            Assert.DoesNotContain("d1", await h.OkAsync("list", "--all"), StringComparison.Ordinal);
        }

        var state = VmState(await c.OkAsync("cluster", "status", "--json"), "d1");
        Assert.Equal("shut off", state["state"]!.GetValue<string>());
        Assert.Equal(ids[holder], state["host"]!.GetValue<string>());

        // etcd holds where it is defined: defined again from another host it goes there (which has it already), never elsewhere.
        var notHolder = hosts.First(h => h != holder);
        var again = await notHolder.RunAsync("define", xml, "--cluster");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("domain 'd1' already exists", again.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("d1", await notHolder.OkAsync("list", "--all"), StringComparison.Ordinal);
        var refused = await holder.RunAsync("define", xml, "--host", ids[notHolder]);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"is defined on host {ids[holder]}", refused.Stderr, StringComparison.Ordinal);

        // The holder runs d1 and a second VM; evacuating it shows each VM's progress, then the table with each downtime.
        await holder.OkAsync("start", "d1", "--wait-agent=90");
        await holder.QemuPidAsync("d1");
        await a.OkAsync(["create", "d2", "--host", ids[holder], "--memory", "256M", "--wait-agent=90", .. Image]);
        await holder.QemuPidAsync("d2");
        await a.PollAsync(s => Vms(s, ids[holder]).Count == 2, TimeSpan.FromSeconds(2 * Ttl), "cluster", "status", "--json");
        var evacuated = await a.OkAsync("host", "evacuate", ids[holder]);
        TestContext.Current.TestOutputHelper?.WriteLine(evacuated);
        var lines = evacuated.Split('\n');
        foreach (var vm in new[] { "d1", "d2" })
        {
            // While it migrates (phase or job lines), then once it moved; the table's row has its downtime.
            Assert.Contains(lines, l => l.StartsWith($"{vm} → ", StringComparison.Ordinal) && !l.Contains(": moved", StringComparison.Ordinal));
            Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, $"^{vm} → \\S+: moved, downtime \\d+ ms"));
            Assert.Contains(lines, l => l.StartsWith('│') && l.Contains($" {vm} ", StringComparison.Ordinal) && System.Text.RegularExpressions.Regex.IsMatch(l, "\\d+ ms"));
            Assert.DoesNotContain(vm, await holder.OkAsync("list"), StringComparison.Ordinal);
        }

        Assert.Contains($"Host {ids[holder]}: 2 of 2 VM(s) moved", evacuated, StringComparison.Ordinal);
        Assert.Contains("Downtime", evacuated, StringComparison.Ordinal);
        foreach (var h in hosts.Where(h => h != holder))
        {
            foreach (var vm in new[] { "d1", "d2" })
            {
                if ((await h.RunAsync("dominfo", vm, "--json")).ExitCode == 0)
                {
                    await h.QemuPidAsync(vm);
                }
            }
        }
    }

    [Fact]
    public async Task A_migration_while_an_etcd_member_dies_completes_and_hands_the_ownership_over()
    {
        Requirements.QemuAndImage();
        await using var etcd = await EtcdCluster.StartAsync(3, TestContext.Current.CancellationToken);
        await using var a = new VirtlabHost();
        await using var b = new VirtlabHost();
        await a.ListenAsync();
        await b.ListenAsync();
        await FormClusterAsync(etcd, a, b);
        await a.CreateAsync("mig1", ["--memory", "256M", .. Image]);
        var idOfB = await HostIdAsync(b);

        // The member the hosts may be talking to dies as the migration starts: the other two keep the quorum.
        var migrate = a.RunAsync(TimeSpan.FromMinutes(3), "migrate", "mig1", b.Uri!, "--live", "--bandwidth", "32", "--token-file", b.TokenFile);
        await Task.Delay(300, TestContext.Current.CancellationToken);
        etcd.Kill(0);
        var done = await migrate;

        Assert.True(done.ExitCode == 0, $"migrate failed: {done}");
        await b.QemuPidAsync("mig1");
        Assert.Equal(0, (await b.RunAsync("qemu-agent-command", "mig1", "{\"execute\":\"guest-ping\"}")).ExitCode);
        Assert.DoesNotContain("mig1", await a.OkAsync("list"), StringComparison.Ordinal);
        var status = await a.OkAsync("cluster", "status", "--json");
        Assert.Equal(idOfB, Owner(status, "mig1"));
        Assert.DoesNotContain("not owned here", await b.OkAsync("cluster", "status", "--json"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_killed_daemon_whose_qemu_lives_on_has_its_guest_paused_by_the_fence_agent_before_it_runs_elsewhere()
    {
        Requirements.QemuAndImage();
        await using var etcd = await EtcdCluster.StartAsync(3, TestContext.Current.CancellationToken);
        await using var a = new VirtlabHost();
        await using var b = new VirtlabHost();
        await FormClusterAsync(etcd, a, b);
        var qemuOfA = await a.CreateAsync("fa1", ["--memory", "256M", .. Image]);
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);

        // Only the daemon dies: its QEMU lives on, and nobody keeps the lease alive.
        a.KillDaemon();
        var died = Stopwatch.StartNew();
        await b.PollAsync(s => State(s) == "running", TimeSpan.FromSeconds(Ttl + 150), "dominfo", "fa1", "--json");
        await b.OkAsync("qemu-agent-command", "fa1", "{\"execute\":\"guest-ping\"}", "--timeout", "60");
        var startedOnB = JsonNode.Parse(await b.OkAsync("dominfo", "fa1", "--json"))!["startedAt"]!.GetValue<DateTimeOffset>();
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fa1 answered on the other host {died.Elapsed.TotalSeconds:0.0} s after the daemon was killed"));
        await b.QemuPidAsync("fa1");

        var log = await File.ReadAllTextAsync(Path.Combine(a.Home, "fence-agent.log"), TestContext.Current.CancellationToken);
        TestContext.Current.TestOutputHelper?.WriteLine(log);
        var pausedLine = log.Split('\n').Single(l => l.Contains(" paused ", StringComparison.Ordinal));
        var pausedAt = DateTimeOffset.Parse(pausedLine.Split(' ')[0], CultureInfo.InvariantCulture);
        Assert.True(pausedAt < startedOnB, $"the fence agent paused fa1 at {pausedAt:O}, the other host started it at {startedOnB:O}");
        Assert.True(VirtlabHost.ProcessAlive(qemuOfA));

        // The restarted daemon re-attaches the paused copy and leaves it paused: the VM is owned elsewhere now.
        Assert.Equal("paused", State(await a.OkAsync("dominfo", "fa1", "--json")));
        await a.PollAsync(s => s.Contains("not owned here: fa1", StringComparison.Ordinal), TimeSpan.FromSeconds(Ttl + 30), "cluster", "status", "--json");
        Assert.Equal("paused", State(await a.OkAsync("dominfo", "fa1", "--json")));
    }

    /// <summary>The VMs a host publishes in a cluster status --json.</summary>
    private static List<string> Vms(string statusJson, string hostId) =>
        JsonNode.Parse(statusJson)!["hosts"]!.AsArray().First(h => h!["hostId"]!.GetValue<string>() == hostId)!["vms"]!.AsArray().Select(v => v!.GetValue<string>()).ToList();

    /// <summary>A VM's state key in a cluster status --json.</summary>
    private static JsonNode VmState(string statusJson, string vm) =>
        JsonNode.Parse(statusJson)!["vmStates"]!.AsArray().First(v => v!["name"]!.GetValue<string>() == vm)!;

    private static string State(string dominfoJson) => JsonNode.Parse(dominfoJson)!["state"]!.GetValue<string>();

    /// <summary>cluster init on the first host, join on the others, all with the test's lease TTL.</summary>
    private static async Task FormClusterAsync(EtcdCluster etcd, VirtlabHost first, params VirtlabHost[] others)
    {
        await first.OkAsync("cluster", "init", "--etcd", etcd.Endpoints, "--lease-ttl", $"{Ttl}s");
        foreach (var h in others)
        {
            await h.OkAsync("cluster", "join", "--etcd", etcd.Endpoints, "--lease-ttl", $"{Ttl}s");
        }
    }

    /// <summary>Every host listens on TCP (placement and evacuation call each other), the first inits, the rest join: their host ids.</summary>
    private static async Task<Dictionary<VirtlabHost, string>> FormListeningClusterAsync(EtcdCluster etcd, VirtlabHost[] hosts)
    {
        foreach (var h in hosts)
        {
            await h.ListenAsync();
        }

        await FormClusterAsync(etcd, hosts[0], hosts[1..]);
        var ids = new Dictionary<VirtlabHost, string>();
        foreach (var h in hosts)
        {
            ids[h] = await HostIdAsync(h);
        }

        return ids;
    }

    private static async Task<string> HostIdAsync(VirtlabHost host) =>
        JsonNode.Parse(await host.OkAsync("cluster", "status", "--json"))!["hostId"]!.GetValue<string>();

    /// <summary>The owner of a VM in a cluster status --json, or null when it has none.</summary>
    private static string? Owner(string statusJson, string vm) =>
        JsonNode.Parse(statusJson)!["owners"]!.AsArray().FirstOrDefault(o => o!["name"]!.GetValue<string>() == vm)?["owner"]!.GetValue<string>();
}
