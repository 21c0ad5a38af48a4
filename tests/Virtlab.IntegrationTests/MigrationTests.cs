using System.Text.Json.Nodes;
using Virtlab.IntegrationTests.Infrastructure;

namespace Virtlab.IntegrationTests;

/// <summary>
/// Live migration between two Virtlab hosts on this machine (two daemons, two $VIRTLAB_HOMEs, the
/// destination listening on TCP with its token), through the real CLI, with real guests.
/// VIRTLAB_TEST_IMAGE picks a guest image other than the default (one whose probe has the
/// heartbeat and pattern subcommands).
/// </summary>
public sealed class MigrationTests
{
    private static string[] Image =>
        Environment.GetEnvironmentVariable("VIRTLAB_TEST_IMAGE") is { Length: > 0 } dir ? ["--image", dir] : [];

    [Fact]
    public async Task Live_migration_with_auto_converge_moves_the_guest_and_its_agent_answers_on_the_destination()
    {
        Requirements.QemuAndImage();
        await using var src = new VirtlabHost();
        await using var dst = new VirtlabHost();
        await dst.ListenAsync();
        var srcPid = await src.CreateAsync("t1", ["--vcpus", "2,maxvcpus=4", "--memory", "256M", .. Image]);

        var samples = Path.Combine(src.Home, "samples.csv");
        var migrate = await src.RunAsync(TimeSpan.FromMinutes(4), "migrate", "t1", dst.Uri!, "--live", "--auto-converge", "--token-file", dst.TokenFile, "--measure", "--samples", samples, "--verify=16");

        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        Assert.Contains("now runs on " + dst.Uri, migrate.Stdout);
        Assert.Contains("guest agent answers on the destination", migrate.Stdout);
        Assert.Matches(@"downtime: QEMU \d+ ms; guest-visible [\d.]+ ms", migrate.Stdout);
        Assert.Matches(@"integrity: 4096 pages \(16 MiB, rewritten [1-9]\d* times during the migration\) checked on the destination: 0 bad; kernel log clean", migrate.Stdout);
        Assert.StartsWith("time_s,status,remaining_bytes", await File.ReadAllTextAsync(samples, TestContext.Current.CancellationToken));

        // The source QEMU is gone and its definition too; the destination owns the VM.
        Assert.False(VirtlabHost.ProcessAlive(srcPid), $"source QEMU pid {srcPid} is still running");
        Assert.DoesNotContain("t1", await src.OkAsync("list", "--all"));
        await dst.QemuPidAsync("t1");
        Assert.NotNull((await dst.AgentAsync("t1", """{"execute":"guest-ping"}"""))["return"]);
        var vcpus = (await dst.AgentAsync("t1", """{"execute":"guest-get-vcpus"}"""))["return"]!.AsArray();
        Assert.Equal(2, vcpus.Count);

        // domjobinfo --completed on both sides, virsh's shape and the talk's info migrate.
        var job = await dst.OkAsync("domjobinfo", "t1", "--completed");
        Assert.Contains("Job type:         Completed", job);
        Assert.Matches(@"Time elapsed:\s+\d+\s+ms", job);
        Assert.Matches(@"Total downtime:\s+\d+\s+ms", job);
        Assert.Matches(@"Memory processed:\s+[\d.]+ MiB", job);
        Assert.Matches(@"Memory bandwidth:\s+[\d.]+ MiB/s", job);
        var info = await src.OkAsync("domjobinfo", "t1", "--completed", "--info-migrate");
        Assert.Contains("Migration status: completed", info);
        Assert.Matches(@"throughput: [\d.]+ mbps", info);
        Assert.Matches(@"transferred ram: \d+ kbytes", info);
    }

    /// <summary>How often the soak migrates (VIRTLAB_SOAK_MIGRATIONS; `make soak` sets 20, `make test` keeps 3).</summary>
    private static int SoakMigrations =>
        int.TryParse(Environment.GetEnvironmentVariable("VIRTLAB_SOAK_MIGRATIONS"), out var n) && n > 0 ? n : 3;

    [Fact]
    public async Task A_busy_two_vcpu_guest_migrated_back_and_forth_keeps_every_page_and_no_oops()
    {
        Requirements.QemuAndImage();
        await using var a = new VirtlabHost();
        await using var b = new VirtlabHost();
        await a.ListenAsync();
        await b.ListenAsync();
        await a.CreateAsync("busy", ["--vcpus", "2", "--memory", "256M", .. Image]);
        await a.GuestExecAsync("busy", "/bin/sh", "-c", "virtlab-probe pattern 48 /run/pattern >/dev/null 2>&1 </dev/null &");
        await Task.Delay(1000, TestContext.Current.CancellationToken);

        var hosts = new[] { a, b };
        for (var i = 0; i < SoakMigrations; i++)
        {
            var from = hosts[i % 2];
            var to = hosts[(i + 1) % 2];
            var r = await from.RunAsync(TimeSpan.FromMinutes(4), "migrate", "busy", to.Uri!, "--live", "--auto-converge", "--token-file", to.TokenFile);
            Assert.True(r.ExitCode == 0, $"migration {i + 1}: {r}");
            Assert.Contains("guest agent answers on the destination", r.Stdout);
            await to.QemuPidAsync("busy");

            var verify = JsonNode.Parse(await to.GuestExecAsync("busy", "/usr/bin/virtlab-probe", "pattern-verify", "/run/pattern"))!;
            Assert.True(verify["error"] is null, $"migration {i + 1}: {verify.ToJsonString()}");
            Assert.Equal(0, verify["bad_pages"]!.GetValue<int>());
            Assert.True(verify["passes"]!.GetValue<long>() > 0, "the pattern never completed a pass");
            var dmesg = await to.GuestExecAsync("busy", "/bin/dmesg");
            Assert.DoesNotMatch("Oops:|BUG:|Kernel panic|stack-protector|general protection fault", dmesg);
        }
    }

    [Fact]
    public async Task Domjobabort_and_a_killed_destination_qemu_leave_the_guest_running_on_the_source()
    {
        Requirements.QemuAndImage();
        await using var src = new VirtlabHost();
        await using var dst = new VirtlabHost();
        await dst.ListenAsync();
        var srcPid = await src.CreateAsync("f1", ["--memory", "256M", "--vcpus", "1,maxvcpus=2", .. Image]);
        await src.GuestExecAsync("f1", "/bin/sh", "-c", "virtlab-probe pattern 32 /run/pattern >/dev/null 2>&1 </dev/null &");

        // 1. While a bandwidth-capped migration runs, setvcpus is refused as busy (nothing is plugged); domjobabort cancels it.
        var migrate = src.RunAsync(TimeSpan.FromMinutes(3), "migrate", "f1", dst.Uri!, "--live", "--bandwidth", "8", "--token-file", dst.TokenFile);
        await WaitForActiveJobAsync(src, "f1");
        var busy = await src.RunAsync("setvcpus", "f1", "2", "--live");
        Assert.Equal(1, busy.ExitCode);
        Assert.Contains("domain 'f1' is busy with job 'migration-out'", busy.Stderr);
        Assert.Matches(@"current\s+live\s+1", await src.OkAsync("vcpucount", "f1"));
        await src.OkAsync("domjobabort", "f1");
        var aborted = await migrate;
        Assert.Equal(1, aborted.ExitCode);
        Assert.Contains("was cancelled (domjobabort)", aborted.Stderr);
        await AssertRunningOnlyOnSourceAsync(src, dst, srcPid);
        Assert.Contains("Job type:         Cancelled", await src.OkAsync("domjobinfo", "f1", "--completed"));

        // 2. The destination's QEMU killed mid-migration.
        migrate = src.RunAsync(TimeSpan.FromMinutes(3), "migrate", "f1", dst.Uri!, "--live", "--bandwidth", "8", "--token-file", dst.TokenFile);
        await WaitForActiveJobAsync(src, "f1");
        var dstPid = JsonNode.Parse(await dst.OkAsync("dominfo", "f1", "--json"))!["pid"]!.GetValue<int>();
        System.Diagnostics.Process.GetProcessById(dstPid).Kill();
        var failed = await migrate;
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("failed", failed.Stderr);
        Assert.Contains("the guest keeps running on this host", failed.Stderr);
        await AssertRunningOnlyOnSourceAsync(src, dst, srcPid);
        var verify = JsonNode.Parse(await src.GuestExecAsync("f1", "/usr/bin/virtlab-probe", "pattern-verify", "/run/pattern"))!;
        Assert.Equal(0, verify["bad_pages"]!.GetValue<int>());
    }

    [Fact]
    public async Task Hot_plugged_vcpus_and_memory_move_with_the_guest_and_the_destination_can_unplug_them()
    {
        Requirements.QemuAndImage();
        await using var src = new VirtlabHost();
        await using var dst = new VirtlabHost();
        await dst.ListenAsync();
        await src.CreateAsync("hp", ["--vcpus", "1,maxvcpus=4", "--memory", "256M,maxmemory=1G", .. Image]);
        await src.OkAsync("setvcpus", "hp", "3", "--live");
        await src.OkAsync("setmem", "hp", "512M", "--live");
        await src.OkAsync("setmem", "hp", "448M", "--live"); // and the balloon takes 64 MiB back
        var memTotalBefore = await MemTotalKiBAsync(src, "hp");

        var r = await src.RunAsync(TimeSpan.FromMinutes(4), "migrate", "hp", dst.Uri!, "--live", "--token-file", dst.TokenFile);

        Assert.True(r.ExitCode == 0, r.ToString());
        await dst.QemuPidAsync("hp");
        Assert.Equal(3, (await dst.AgentAsync("hp", """{"execute":"guest-get-vcpus"}"""))["return"]!.AsArray().Count(v => v!["online"]!.GetValue<bool>()));
        Assert.Equal(memTotalBefore, await MemTotalKiBAsync(dst, "hp"));
        Assert.Equal(448 * 1024, JsonNode.Parse(await dst.OkAsync("dommemstat", "hp", "--json"))!["actualKiB"]!.GetValue<long>());
        Assert.Matches(@"current\s+live\s+3", await dst.OkAsync("vcpucount", "hp"));
        Assert.Contains("unplugged dimm0", await dst.OkAsync("setmem", "hp", "256M", "--live"));
        Assert.Contains("1 online in the guest", await dst.OkAsync("setvcpus", "hp", "1", "--live"));
    }

    [Fact]
    public async Task A_qemu_process_that_replugged_a_vcpu_is_not_migrated_and_keeps_running()
    {
        Requirements.QemuAndImage();
        await using var src = new VirtlabHost();
        await using var dst = new VirtlabHost();
        await dst.ListenAsync();
        var pid = await src.CreateAsync("rp", ["--vcpus", "1,maxvcpus=4", "--memory", "256M", .. Image]);
        foreach (var n in new[] { "2", "1", "2" })
        {
            await src.OkAsync("setvcpus", "rp", n, "--live");
        }

        var r = await src.RunAsync("migrate", "rp", dst.Uri!, "--live", "--token-file", dst.TokenFile);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("plugged a vCPU after unplugging one", r.Stderr);
        Assert.Contains("restart it", r.Stderr);
        Assert.True(VirtlabHost.ProcessAlive(pid));
        Assert.NotNull((await src.AgentAsync("rp", """{"execute":"guest-ping"}"""))["return"]);
        Assert.DoesNotContain("rp", await dst.OkAsync("list", "--all"));
    }

    [Fact]
    public async Task A_source_daemon_killed_mid_migration_takes_the_guest_back_when_it_restarts_and_nothing_is_left_on_the_destination()
    {
        Requirements.QemuAndImage();
        await using var src = new VirtlabHost();
        await using var dst = new VirtlabHost();
        await dst.ListenAsync();
        var pid = await src.CreateAsync("sk", ["--memory", "256M", .. Image]);
        await src.GuestExecAsync("sk", "/bin/sh", "-c", "virtlab-probe pattern 32 /run/pattern >/dev/null 2>&1 </dev/null &");
        var migrate = src.RunAsync(TimeSpan.FromMinutes(3), "migrate", "sk", dst.Uri!, "--live", "--bandwidth", "4", "--token-file", dst.TokenFile);
        await WaitForActiveJobAsync(src, "sk");

        src.KillDaemon();
        var lost = await migrate;
        await src.PollAsync(o => o.Contains("running", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "list");
        await dst.PollAsync(o => !o.Contains("sk", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "list", "--all");

        Assert.NotEqual(0, lost.ExitCode);
        Assert.True(VirtlabHost.ProcessAlive(pid), "the source QEMU died");
        Assert.Equal(pid, await src.QemuPidAsync("sk"));
        Assert.NotNull((await src.AgentAsync("sk", """{"execute":"guest-ping"}"""))["return"]);
        var verify = JsonNode.Parse(await src.GuestExecAsync("sk", "/usr/bin/virtlab-probe", "pattern-verify", "/run/pattern"))!;
        Assert.Equal(0, verify["bad_pages"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_migration_that_completes_while_the_source_daemon_is_dead_is_handed_over_when_it_restarts()
    {
        Requirements.QemuAndImage();
        await using var src = new VirtlabHost();
        await using var dst = new VirtlabHost();
        await dst.ListenAsync();
        var pid = await src.CreateAsync("sh", ["--memory", "256M", .. Image]);
        var migrate = src.RunAsync(TimeSpan.FromMinutes(3), "migrate", "sh", dst.Uri!, "--live", "--bandwidth", "16", "--token-file", dst.TokenFile);
        await WaitForActiveJobAsync(src, "sh");

        src.KillDaemon();
        await migrate;
        // QEMU finishes the transfer without any manager and starts the destination's copy by itself; the source's
        // copy stays paused (postmigrate). Only one of them runs.
        await dst.PollAsync(o => o.Contains("running", StringComparison.Ordinal), TimeSpan.FromSeconds(90), "list");
        await src.PollAsync(o => !o.Contains("sh", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "list", "--all");

        Assert.False(VirtlabHost.ProcessAlive(pid), "the source QEMU is still there after the hand-over");
        await dst.QemuPidAsync("sh");
        Assert.NotNull((await dst.AgentAsync("sh", """{"execute":"guest-ping"}"""))["return"]);
        Assert.Contains("Job type:         Completed", await dst.OkAsync("domjobinfo", "sh", "--completed"));
    }

    [Fact]
    public async Task A_destination_daemon_killed_mid_migration_gets_the_guest_once_it_is_back_and_the_source_waits_paused_meanwhile()
    {
        Requirements.QemuAndImage();
        await using var src = new VirtlabHost();
        await using var dst = new VirtlabHost();
        await dst.ListenAsync();
        var pid = await src.CreateAsync("dk", ["--memory", "256M", .. Image]);
        var migrate = src.RunAsync(TimeSpan.FromMinutes(3), "migrate", "dk", dst.Uri!, "--live", "--bandwidth", "16", "--token-file", dst.TokenFile);
        await WaitForActiveJobAsync(src, "dk");

        dst.KillDaemon();
        var r = await migrate;
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("cannot be reached", r.Stderr);
        Assert.Contains("paused", await src.OkAsync("list"));

        await dst.ListenAgainAsync();
        await src.PollAsync(o => !o.Contains("dk", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "list", "--all");
        Assert.False(VirtlabHost.ProcessAlive(pid), "the source QEMU is still there after the hand-over");
        Assert.Contains("running", await dst.OkAsync("list"));
        await dst.QemuPidAsync("dk");
        Assert.NotNull((await dst.AgentAsync("dk", """{"execute":"guest-ping"}"""))["return"]);
    }

    private static async Task<long> MemTotalKiBAsync(VirtlabHost host, string name)
    {
        var meminfo = await host.GuestExecAsync(name, "/bin/cat", "/proc/meminfo");
        var line = meminfo.Split('\n').First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task WaitForActiveJobAsync(VirtlabHost host, string name)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            var r = await host.RunAsync("domjobinfo", name, "--json");
            if (r.ExitCode == 0 && JsonNode.Parse(r.Stdout)!["status"]!.GetValue<string>() == "active" &&
                JsonNode.Parse(r.Stdout)!["memoryProcessed"]?.GetValue<long>() > 4 << 20)
            {
                return;
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException($"no active migration job for {name} within 90 s");
    }

    private static async Task AssertRunningOnlyOnSourceAsync(VirtlabHost src, VirtlabHost dst, int srcPid)
    {
        Assert.True(VirtlabHost.ProcessAlive(srcPid), "the source QEMU died");
        Assert.Contains("running", await src.OkAsync("list"));
        Assert.NotNull((await src.AgentAsync("f1", """{"execute":"guest-ping"}"""))["return"]);
        Assert.DoesNotContain("f1", await dst.OkAsync("list", "--all"));
        Assert.Equal("None", JsonNode.Parse(await src.OkAsync("domjobinfo", "f1", "--json"))!["jobType"]!.GetValue<string>());
    }
}
