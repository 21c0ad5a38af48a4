using System.Text.Json.Nodes;
using Virtlab.IntegrationTests.Infrastructure;

namespace Virtlab.IntegrationTests;

/// <summary>Ballooning and memory hot-plug on a live guest, checked against the guest's own /proc/meminfo.</summary>
public sealed class MemoryHotplugTests(HotplugGuest guest) : IClassFixture<HotplugGuest>
{
    private const string Vm = HotplugGuest.Name;
    private const long MiB = 1024;

    [Fact]
    public async Task Ballooning_256_to_128_MiB_lowers_the_guests_MemTotal_by_at_least_100_MiB_and_256_gives_it_back()
    {
        Requirements.QemuAndImage();
        await guest.SetMemAsync("256M");
        var before = await guest.GuestMemTotalKiBAsync();

        var down = await guest.SetMemAsync("128M");

        Assert.Equal("completed", down["result"]!.GetValue<string>());
        Assert.Equal(128 * MiB, down["actualKiB"]!.GetValue<long>());
        var lowered = await guest.GuestMemTotalKiBAsync();
        Assert.True(before - lowered >= 100 * MiB, $"MemTotal went from {before} to {lowered} kB");

        var up = await guest.SetMemAsync("256M");

        Assert.Equal("completed", up["result"]!.GetValue<string>());
        Assert.Equal(before, await guest.GuestMemTotalKiBAsync());
    }

    [Fact]
    public async Task Setmem_above_the_boot_size_hotplugs_memory_the_guest_onlines_and_shrinking_unplugs_it()
    {
        Requirements.QemuAndImage();
        await guest.SetMemAsync("256M");
        var before = await guest.GuestMemTotalKiBAsync();

        var grow = await guest.SetMemAsync("512M");

        Assert.Equal("completed", grow["result"]!.GetValue<string>());
        Assert.Equal(256 * MiB, grow["hotpluggedKiB"]!.GetValue<long>());
        var grown = await guest.GuestMemTotalKiBAsync();
        Assert.True(grown - before >= 250 * MiB, $"MemTotal went from {before} to {grown} kB");
        var states = await guest.Host.GuestExecAsync(Vm, "/bin/sh", "-c", "cat /sys/devices/system/memory/memory*/state");
        Assert.DoesNotContain("offline", states, StringComparison.Ordinal);

        var shrink = await guest.SetMemAsync("256M");

        Assert.Equal("completed", shrink["result"]!.GetValue<string>());
        Assert.Equal(0, shrink["hotpluggedKiB"]!.GetValue<long>());
        Assert.Equal(before, await guest.GuestMemTotalKiBAsync());
    }

    [Fact]
    public async Task A_balloon_target_that_would_kill_the_guest_is_refused_with_the_floor_and_why()
    {
        Requirements.QemuAndImage();
        await guest.SetMemAsync("256M");
        var before = await guest.GuestMemTotalKiBAsync();

        var r = await guest.Host.RunAsync("setmem", Vm, "48M", "--live");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("the least this guest survives", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("MemAvailable", r.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, await guest.GuestMemTotalKiBAsync());
        Assert.True(VirtlabHost.ProcessAlive(guest.Pid));
    }

    [Theory]
    [InlineData("2G", "above this domain's maxmemory of 1 GiB")]
    [InlineData("lots", "'lots' is not a size")]
    public async Task A_size_above_maxmemory_or_not_a_size_is_refused_and_the_vm_is_unchanged(string size, string expected)
    {
        Requirements.QemuAndImage();
        await guest.SetMemAsync("256M");

        var r = await guest.Host.RunAsync("setmem", Vm, size, "--live");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains(expected, r.Stderr, StringComparison.Ordinal);
        var stat = JsonNode.Parse(await guest.Host.OkAsync("dommemstat", Vm, "--json"))!;
        Assert.Equal(256 * MiB, stat["actualKiB"]!.GetValue<long>());
    }

    [Fact]
    public async Task Dommemstat_reports_the_balloon_statistics_and_the_guests_own_figures()
    {
        Requirements.QemuAndImage();
        await guest.SetMemAsync("256M");

        var text = await guest.Host.OkAsync("dommemstat", Vm);

        foreach (var key in new[] { "actual 262144", "unused ", "available ", "usable ", "swap_in ", "major_fault ", "minor_fault ", "rss " })
        {
            Assert.Contains(key, text, StringComparison.Ordinal);
        }

        var stat = JsonNode.Parse(await guest.Host.OkAsync("dommemstat", Vm, "--json"))!;
        Assert.Equal(await guest.GuestMemTotalKiBAsync(), stat["guestMemTotalKiB"]!.GetValue<long>());
    }
}
