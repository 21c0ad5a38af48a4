using System.Text.Json.Nodes;
using Virtlab.Api;
using Virtlab.Engine.Domains;

namespace Virtlab.Engine.Tests.Services;

/// <summary>The services that report what the guest sees (PMU, CPU, clock source, its view of CPUs and memory), from a scripted guest.</summary>
public sealed class GuestFeatureServicesTests
{
    [Fact]
    public async Task Given_a_TCG_guest_whose_probe_finds_no_PMU_Then_guest_pmu_says_there_is_no_vPMU_and_why()
    {
        await using var host = await FakeDomainHost.StartAsync();
        host.Guest.Program("/usr/bin/virtlab-probe", args => args is ["pmu"]
            ? (0, """{"driver":"Performance Events: PMU not available due to virtualization, using software events only.","arch_perfmon":false,"devices":["software","tracepoint"],"cpu_pmu":false,"perf_event_paranoid":"2","events":[{"name":"cycles","kind":"architectural","ok":false,"error":"ENOENT"}]}""")
            : (2, string.Empty));

        var report = await host.Engine.Pmu.GuestPmuAsync("t1", TestContext.Current.CancellationToken);

        Assert.False(report.CpuPmu);
        Assert.StartsWith("no vPMU", report.Verdict, StringComparison.Ordinal);
        Assert.Equal("ENOENT", Assert.Single(report.Events).Error);
    }

    [Fact]
    public async Task Given_a_guest_probe_without_the_pmu_check_Then_guest_pmu_says_to_rebuild_the_image()
    {
        await using var host = await FakeDomainHost.StartAsync();
        host.Guest.Program("/usr/bin/virtlab-probe", _ => (2, string.Empty));

        var e = await Assert.ThrowsAsync<VirtlabException>(() => host.Engine.Pmu.GuestPmuAsync("t1", TestContext.Current.CancellationToken));

        Assert.Contains("make image", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_guest_cpuinfo_Then_guest_cpuinfo_reports_the_guests_model_and_its_flags_against_the_hosts()
    {
        await using var host = await FakeDomainHost.StartAsync();
        host.Guest.Program("/bin/cat", args => args is ["/proc/cpuinfo"]
            ? (0, "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 26\nmodel name\t: Intel Core i7 9xx (Nehalem Class Core i7)\nstepping\t: 3\nflags\t\t: fpu sse sse2 sse4_2 hypervisor\n")
            : (1, string.Empty));

        var info = await host.Engine.Cpu.GuestCpuInfoAsync("t1", TestContext.Current.CancellationToken);

        Assert.Equal("Intel Core i7 9xx (Nehalem Class Core i7)", info.ModelName);
        Assert.Contains("sse4_2", info.Flags);
        Assert.Contains("hypervisor", info.Flags);
    }

    [Fact]
    public async Task Given_a_paused_guest_Then_a_report_from_its_agent_is_refused_at_once()
    {
        await using var host = await FakeDomainHost.StartAsync();
        host.Domain.OnVcpusRunning(false);

        var e = await Assert.ThrowsAsync<VirtlabException>(() => host.Engine.Clock.GuestClockAsync("t1", TestContext.Current.CancellationToken));

        Assert.Equal(ErrorKind.InvalidState, e.Kind);
        Assert.Contains("virtlab resume t1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_the_probe_info_line_Then_guest_view_reports_what_an_application_sees()
    {
        await using var host = await FakeDomainHost.StartAsync();
        host.Guest.Program("/usr/bin/virtlab-probe", args => args is ["info"]
            ? (0, """{"nproc":2,"affinity":2,"online":"0-1","present":"0-1","memtotal_kib":230000,"memavailable_kib":180000,"uptime_s":12.5}""")
            : (2, string.Empty));

        var view = await host.Engine.GuestView.GuestViewAsync("t1", TestContext.Current.CancellationToken);

        Assert.Equal((2L, 2, "0-1", 230000L), (view.Nproc, view.Affinity, view.Online, view.MemTotalKiB));
    }

    [Fact]
    public async Task Given_two_online_cpus_When_setvcpus_1_guest_Then_the_highest_is_offlined_and_QEMU_keeps_both()
    {
        await using var host = await FakeDomainHost.StartAsync();
        host.Guest.AddCpu(1);
        await host.Engine.GuestVcpus.SetGuestVcpusAsync("t1", "1", enable: true, TestContext.Current.CancellationToken);
        Assert.Equal(2, host.Guest.OnlineCpus);

        var reply = await host.Engine.GuestVcpus.SetVcpusGuestAsync("t1", 1, TestContext.Current.CancellationToken);

        Assert.Equal(("completed", 1), (reply.Result, reply.GuestOnline));
        Assert.Equal(1, host.Guest.OnlineCpus);
    }

    [Fact]
    public async Task Given_the_boot_cpu_When_guestvcpus_disable_0_Then_it_is_refused_and_nothing_changes()
    {
        await using var host = await FakeDomainHost.StartAsync();

        var e = await Assert.ThrowsAsync<VirtlabException>(() => host.Engine.GuestVcpus.SetGuestVcpusAsync("t1", "0", enable: false, TestContext.Current.CancellationToken));

        Assert.Contains("cannot be taken offline", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, host.Guest.OnlineCpus);
    }

    [Fact]
    public async Task Given_balloon_statistics_Then_dommemstat_reports_them_with_the_guests_own_meminfo()
    {
        await using var host = await FakeDomainHost.StartAsync();
        MemoryScript.Script(host);
        host.Reply("qom-get", new JsonObject
        {
            ["stats"] = new JsonObject { ["stat-free-memory"] = 100L << 20, ["stat-total-memory"] = 230L << 20, ["stat-available-memory"] = 180L << 20, ["stat-swap-in"] = -1 },
            ["last-update"] = 1_733_400_000,
        });

        var stat = await host.Engine.Memory.MemStatAsync("t1", TestContext.Current.CancellationToken);

        Assert.Equal((262144L, 102400L, 235520L, 184320L), (stat.ActualKiB, stat.UnusedKiB!.Value, stat.AvailableKiB!.Value, stat.UsableKiB!.Value));
        Assert.Null(stat.SwapInKiB);
        Assert.Equal(230000L, stat.GuestMemTotalKiB);
    }

    [Fact]
    public async Task Given_many_concurrent_dommemstat_calls_Then_the_guest_reads_its_meminfo_once_for_all_of_them()
    {
        await using var host = await FakeDomainHost.StartAsync();
        MemoryScript.Script(host);
        host.Reply("qom-get", new JsonObject { ["stats"] = new JsonObject(), ["last-update"] = 0 });
        var reads = 0;
        host.Guest.Program("/bin/cat", args =>
        {
            Interlocked.Increment(ref reads);
            return args is ["/proc/meminfo"] ? (0, "MemTotal:         230000 kB\nMemAvailable:     184320 kB\n") : (1, string.Empty);
        });
        var ct = TestContext.Current.CancellationToken;

        var stats = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => host.Engine.Memory.MemStatAsync("t1", ct)));

        Assert.All(stats, s => Assert.Equal(230000L, s.GuestMemTotalKiB));
        Assert.Equal(1, reads);
    }

    [Fact]
    public async Task Given_a_setmem_holding_the_domain_When_the_autoballoon_loop_steps_Then_it_skips_and_says_which_job_holds_it()
    {
        await using var host = await FakeDomainHost.StartAsync();
        MemoryScript.Script(host);
        using var setmem = host.Domain.Job.Begin(DomainJobKind.SetMem);

        await host.Engine.AutoBalloon.AutoBalloonAsync("t1", new AutoBalloonRequest("128M", "256M"), TestContext.Current.CancellationToken);
        var info = await host.Engine.AutoBalloon.AutoBalloonAsync("t1", new AutoBalloonRequest(), TestContext.Current.CancellationToken);
        for (var i = 0; i < 100 && info.LastAction is null; i++)
        {
            // The loop's first step runs on its own task.
            await Task.Delay(20, TestContext.Current.CancellationToken);
            info = await host.Engine.AutoBalloon.AutoBalloonAsync("t1", new AutoBalloonRequest(), TestContext.Current.CancellationToken);
        }

        Assert.True(info.Enabled);
        Assert.Equal("skipped: the domain is busy with job 'setmem'", info.LastAction);
        Assert.DoesNotContain(host.Qmp.Received, r => r.Command == "balloon");
    }

    [Fact]
    public async Task Given_no_QEMU_binary_Then_version_says_why_instead_of_failing()
    {
        await using var host = await FakeDomainHost.StartAsync();

        Assert.StartsWith("unavailable: no QEMU binary", host.Engine.Capabilities.QemuVersionOrProblem(), StringComparison.Ordinal);
    }
}
