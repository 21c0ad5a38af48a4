using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Virtlab.IntegrationTests.Infrastructure;

namespace Virtlab.IntegrationTests;

/// <summary>A real Debian guest under real QEMU, driven through the CLI as a user would.</summary>
public sealed partial class LifecycleTests
{
    [Fact]
    public async Task Create_with_wait_agent_returns_when_the_guest_agent_answers_within_60_seconds()
    {
        Requirements.QemuAndImage();
        await using var host = new VirtlabHost();
        var started = DateTime.UtcNow;

        await host.CreateAsync("t1", "--vcpus", "1,maxvcpus=4", "--memory", "256M");

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(60), "the agent took longer than 60 s");
        var ping = await host.AgentAsync("t1", """{"execute":"guest-ping"}""");
        Assert.NotNull(ping["return"]);
    }

    [Fact]
    public async Task Guest_get_vcpus_lists_as_many_cpus_as_vcpus_asked_for()
    {
        Requirements.QemuAndImage();
        await using var host = new VirtlabHost();
        await host.CreateAsync("cpus2", "--vcpus", "2,maxvcpus=4", "--memory", "256M");

        var vcpus = (await host.AgentAsync("cpus2", """{"execute":"guest-get-vcpus"}"""))["return"]!.AsArray();

        Assert.Equal(2, vcpus.Count);
        Assert.All(vcpus, v => Assert.True(v!["online"]!.GetValue<bool>()));
        var info = JsonNode.Parse(await host.OkAsync("dominfo", "cpus2", "--json"))!;
        Assert.Equal(2, info["vcpus"]!.GetValue<int>());
        Assert.Equal(4, info["maxVcpus"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_guests_MemTotal_matches_the_memory_asked_for_minus_the_kernels_reservation()
    {
        Requirements.QemuAndImage();
        await using var host = new VirtlabHost();
        await host.CreateAsync("mem", "--memory", "384M");

        var meminfo = await host.GuestExecAsync("mem", "/bin/cat", "/proc/meminfo");
        var memTotalKiB = long.Parse(MemTotal().Match(meminfo).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

        // The kernel keeps some memory for itself (its image, page tables, reserved ranges): about
        // 30-60 MiB on this guest. MemTotal must be below the VM's RAM and not far below it.
        Assert.InRange(memTotalKiB, (384 - 80) * 1024, 384 * 1024);
    }

    [Fact]
    public async Task Shutdown_powers_the_guest_off_and_leaves_no_qemu_process()
    {
        Requirements.QemuAndImage();
        await using var host = new VirtlabHost();
        var pid = await host.CreateAsync("sd");

        await host.OkAsync("shutdown", "sd", "--timeout", "60");

        Assert.False(VirtlabHost.ProcessAlive(pid), $"QEMU pid {pid} is still there after shutdown");
        Assert.Contains("shut off", await host.OkAsync("list", "--all"));
    }

    [Fact]
    public async Task Shutdown_right_after_start_still_powers_the_guest_off_though_it_was_still_booting()
    {
        Requirements.QemuAndImage();
        await using var host = new VirtlabHost();
        await host.OkAsync("create", "early");
        var pid = await host.QemuPidAsync("early");

        await host.OkAsync("shutdown", "early", "--timeout", "90");

        Assert.False(VirtlabHost.ProcessAlive(pid), $"QEMU pid {pid} is still there after shutdown");
    }

    [Fact]
    public async Task Destroy_leaves_no_qemu_process_and_undefine_removes_the_domain()
    {
        Requirements.QemuAndImage();
        await using var host = new VirtlabHost();
        var pid = await host.CreateAsync("ds");

        await host.OkAsync("destroy", "ds");

        Assert.False(VirtlabHost.ProcessAlive(pid), $"QEMU pid {pid} is still there after destroy");
        await host.OkAsync("undefine", "ds");
        Assert.DoesNotContain("ds", await host.OkAsync("list", "--all"));
    }

    [Fact]
    public async Task A_restarted_daemon_reattaches_the_running_vm_and_its_agent_still_answers()
    {
        Requirements.QemuAndImage();
        await using var host = new VirtlabHost();
        var pid = await host.CreateAsync("keep");

        await host.OkAsync("daemon", "stop");
        Assert.True(VirtlabHost.ProcessAlive(pid), "stopping the daemon killed the VM");
        await host.OkAsync("daemon", "start");

        Assert.Matches(@"\d+\s+keep\s+running", await host.OkAsync("list"));
        Assert.Equal(pid, await host.QemuPidAsync("keep"));
        var ping = await host.AgentAsync("keep", """{"execute":"guest-ping"}""");
        Assert.NotNull(ping["return"]);
        await host.OkAsync("destroy", "keep");
        Assert.False(VirtlabHost.ProcessAlive(pid), "destroy after re-attach left QEMU running");
    }

    [Fact]
    public async Task A_daemon_killed_before_it_recorded_qemus_pid_leaves_a_vm_the_next_daemon_finds_by_the_pidfile()
    {
        Requirements.QemuAndImage();
        await using var host = new VirtlabHost();
        var pid = await host.CreateAsync("early");

        // What a daemon killed between saving the record and spawning QEMU leaves: a record without the PID (0).
        host.KillDaemon();
        using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(host.Home, "state.db")};Pooling=False"))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "UPDATE runtime SET pid = 0, pid_start_ticks = 0 WHERE name = 'early'";
            Assert.Equal(1, cmd.ExecuteNonQuery());
        }

        await host.OkAsync("daemon", "start");

        Assert.Matches(@"\d+\s+early\s+running", await host.OkAsync("list"));
        Assert.Equal(pid, await host.QemuPidAsync("early"));
        await host.OkAsync("destroy", "early");
        Assert.False(VirtlabHost.ProcessAlive(pid), "destroy after re-attach by the pidfile left QEMU running");
    }

    [Fact]
    public async Task Dominfo_says_which_accelerator_runs_the_guest_and_why()
    {
        Requirements.QemuAndImage();
        await using var host = new VirtlabHost();
        await host.CreateAsync("acc");

        var info = await host.OkAsync("dominfo", "acc");

        Assert.Matches(@"Accelerator:\s+(tcg|kvm) \(.+\)", info);
        Assert.Matches(@"State:\s+running", info);
        var caps = await host.OkAsync("capabilities");
        Assert.Matches(@"QEMU:\s+\d+\.\d+", caps);
        Assert.Contains("KVM:", caps);
    }

    [GeneratedRegex(@"MemTotal:\s+(\d+) kB")]
    private static partial Regex MemTotal();
}
