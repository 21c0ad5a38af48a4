using System.Diagnostics;
using Virtlab.IntegrationTests.Infrastructure;

namespace Virtlab.IntegrationTests;

/// <summary>vCPU hot-plug and unplug on a live guest, seen from QEMU (vcpucount) and from the guest's own /sys.</summary>
public sealed class VcpuHotplugTests(HotplugGuest guest) : IClassFixture<HotplugGuest>
{
    private const string Vm = HotplugGuest.Name;

    [Fact]
    public async Task Setvcpus_3_live_gives_3_online_vcpus_in_the_guest()
    {
        Requirements.QemuAndImage();
        await guest.SetVcpusAsync(1);

        var reply = await guest.SetVcpusAsync(3);

        Assert.Equal("completed", reply["result"]!.GetValue<string>());
        Assert.Equal("0-2", await guest.GuestOnlineCpusAsync());
        var count = await guest.VcpuCountAsync();
        Assert.Equal(3, count["currentLive"]!.GetValue<int>());
        Assert.Equal(3, count["currentGuest"]!.GetValue<int>());
        Assert.Equal(1, count["currentConfig"]!.GetValue<int>());
        Assert.Equal(4, count["maximumLive"]!.GetValue<int>());
    }

    [Fact]
    public async Task Plugging_1_to_4_then_unplugging_4_to_1_completes_the_unplug_in_under_a_second_and_vcpucount_says_1()
    {
        Requirements.QemuAndImage();
        await guest.SetVcpusAsync(1);

        var plug = await guest.SetVcpusAsync(4);
        Assert.Equal(4, plug["guestOnline"]!.GetValue<int>());
        Assert.Equal("0-3", await guest.GuestOnlineCpusAsync());

        var unplug = await guest.SetVcpusAsync(1);

        Assert.Equal("completed", unplug["result"]!.GetValue<string>());
        Assert.True(unplug["seconds"]!.GetValue<double>() < 1.0, $"unplug took {unplug["seconds"]} s");
        Assert.Equal("0", await guest.GuestOnlineCpusAsync());
        var count = await guest.VcpuCountAsync();
        Assert.Equal(1, count["currentLive"]!.GetValue<int>());
        Assert.Equal(1, count["currentGuest"]!.GetValue<int>());
        var present = (await guest.Host.GuestExecAsync(Vm, "/bin/cat", "/sys/devices/system/cpu/present")).Trim();
        Assert.Equal("0", present);
    }

    [Fact]
    public async Task Ten_plug_unplug_cycles_leave_qemu_running_and_no_drift_in_the_counts()
    {
        Requirements.QemuAndImage();
        await guest.SetVcpusAsync(1);
        var slowest = 0.0;

        for (var i = 0; i < 10; i++)
        {
            var up = await guest.SetVcpusAsync(2);
            Assert.Equal("completed", up["result"]!.GetValue<string>());
            Assert.Equal(2, up["liveVcpus"]!.GetValue<int>());
            Assert.Equal(2, up["guestOnline"]!.GetValue<int>());
            var down = await guest.SetVcpusAsync(1);
            Assert.Equal("completed", down["result"]!.GetValue<string>());
            Assert.Equal(1, down["liveVcpus"]!.GetValue<int>());
            Assert.Equal(1, down["guestOnline"]!.GetValue<int>());
            slowest = Math.Max(slowest, down["seconds"]!.GetValue<double>());
        }

        Assert.True(VirtlabHost.ProcessAlive(guest.Pid), "QEMU died during the cycles");
        Assert.True(slowest < 1.0, $"the slowest unplug took {slowest} s");
        var count = await guest.VcpuCountAsync();
        Assert.Equal(1, count["currentLive"]!.GetValue<int>());
        Assert.Equal(1, count["currentGuest"]!.GetValue<int>());
        Assert.Equal("0", await guest.GuestOnlineCpusAsync());
    }

    [Fact]
    public async Task Setvcpus_guest_offlines_inside_the_guest_only_and_qemu_keeps_its_vcpus()
    {
        Requirements.QemuAndImage();
        await guest.SetVcpusAsync(1);
        await guest.SetVcpusAsync(3);

        var reply = await guest.SetVcpusAsync(2, "--guest");

        Assert.Equal("completed", reply["result"]!.GetValue<string>());
        Assert.Equal(3, reply["liveVcpus"]!.GetValue<int>());
        Assert.Equal("0-1", await guest.GuestOnlineCpusAsync());
        var table = await guest.Host.OkAsync("guestvcpus", Vm, "--json");
        Assert.Contains("\"can-offline\": false,\n    \"logical-id\": 0", table, StringComparison.Ordinal);
        Assert.Contains("\"online\": false,\n    \"can-offline\": true,\n    \"logical-id\": 2", table, StringComparison.Ordinal);

        var back = await guest.SetVcpusAsync(3, "--guest");
        Assert.Equal(3, back["guestOnline"]!.GetValue<int>());
        Assert.Equal("0-2", await guest.GuestOnlineCpusAsync());
        await guest.SetVcpusAsync(1);
    }

    [Fact]
    public async Task Offlining_cpu0_is_refused_with_the_guests_reason_and_nothing_changes()
    {
        Requirements.QemuAndImage();
        await guest.SetVcpusAsync(1);
        await guest.SetVcpusAsync(2);

        var r = await guest.Host.RunAsync("guestvcpus", Vm, "--cpulist", "0-1", "--disable");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("CPU 0", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("can-offline=false", r.Stderr, StringComparison.Ordinal);
        Assert.Equal("0-1", await guest.GuestOnlineCpusAsync());
        await guest.SetVcpusAsync(1);
    }

    [Theory]
    [InlineData("5", "above this domain's maximum of 4")]
    [InlineData("0", "at least 1")]
    public async Task A_vcpu_count_out_of_range_is_refused_and_the_vm_keeps_running_unchanged(string count, string expected)
    {
        Requirements.QemuAndImage();
        await guest.SetVcpusAsync(1);
        var started = Stopwatch.StartNew();

        var r = await guest.Host.RunAsync("setvcpus", Vm, count, "--live");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains(expected, r.Stderr, StringComparison.Ordinal);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(20));
        Assert.True(VirtlabHost.ProcessAlive(guest.Pid));
        Assert.Equal(1, (await guest.VcpuCountAsync())["currentLive"]!.GetValue<int>());
    }
}
