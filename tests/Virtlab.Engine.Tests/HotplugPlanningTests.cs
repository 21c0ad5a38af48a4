using System.Text.Json.Nodes;
using Virtlab.Engine.Guest;
using Virtlab.Engine.Hotplug;
using Virtlab.Engine.Qemu;
using Virtlab.Qmp;

namespace Virtlab.Engine.Tests;

/// <summary>The pure decisions of hot-plug: which slots, how much memory, how low a balloon may go.</summary>
public sealed class HotplugPlanningTests
{
    private static HotpluggableCpu Slot(int core, bool plugged) =>
        new("qemu64-x86_64-cpu", 1, new CpuInstanceProperties(SocketId: 0, CoreId: core, ThreadId: 0),
            plugged ? (core == 0 ? "/machine/unattached/device[0]" : $"/machine/peripheral/vcpu{core}") : null);

    // QEMU lists the highest free slot first.
    private static readonly HotpluggableCpu[] OneOfFour = [Slot(3, false), Slot(2, false), Slot(1, false), Slot(0, true)];

    [Fact]
    public void Given_one_of_four_plugged_when_growing_to_three_then_the_lowest_free_slots_are_plugged_in_order()
    {
        var plan = VcpuSlots.ToPlug(VcpuSlots.Ordered(OneOfFour), 3);

        Assert.Equal([1, 2], plan.Select(p => p.Index));
        Assert.Equal([1, 2], plan.Select(p => p.Slot.Props.CoreId!.Value));
    }

    [Fact]
    public void Given_four_plugged_when_shrinking_to_one_then_the_highest_go_first_and_the_boot_cpu_never()
    {
        var all = VcpuSlots.Ordered([Slot(3, true), Slot(2, true), Slot(1, true), Slot(0, true)]);

        Assert.Equal([3, 2, 1], VcpuSlots.ToUnplug(all, 1).Select(p => p.Index));
        Assert.Equal([3, 2, 1], VcpuSlots.ToUnplug(all, 0).Select(p => p.Index));
        Assert.Equal([3], VcpuSlots.ToUnplug(all, 3).Select(p => p.Index));
    }

    [Fact]
    public void Given_qemus_lapic_only_device_deleted_event_then_it_counts_as_the_cpu_being_gone()
    {
        var lapic = new QmpEvent("DEVICE_DELETED", new JsonObject { ["path"] = "/machine/peripheral/vcpu2/lapic" }, DateTimeOffset.UnixEpoch);
        var other = new QmpEvent("DEVICE_DELETED", new JsonObject { ["path"] = "/machine/peripheral/vcpu1/lapic" }, DateTimeOffset.UnixEpoch);

        Assert.True(VcpuSlots.IsDeletedEvent(lapic, "/machine/peripheral/vcpu2", "vcpu2"));
        Assert.False(VcpuSlots.IsDeletedEvent(other, "/machine/peripheral/vcpu2", "vcpu2"));
    }

    [Theory]
    [InlineData(1, 4, false, 32)]
    [InlineData(1, 4, true, 4)]
    [InlineData(2, 2, false, 2)]
    [InlineData(1, 1, false, 1)]
    [InlineData(1, 64, false, 240)]
    public void Under_tcg_with_hotplug_qemu_gets_eight_times_the_slots(int vcpus, int max, bool kvm, int expected) =>
        Assert.Equal(expected, TcgVcpuSlots.QemuMaxCpus(vcpus, max, kvm));

    [Fact]
    public void Given_a_256_MiB_guest_with_172_MiB_available_then_the_floor_is_below_128_MiB_and_above_48()
    {
        var guest = new GuestMemInfo(209972, 173588, 176660);

        var floor = BalloonFloor.FloorKiB(256 * 1024, guest);

        Assert.InRange(floor, 48 * 1024 + 1, 128 * 1024 - 1);
        Assert.Equal(0, floor % 1024);
    }

    [Theory]
    [InlineData(256, 512, 256)]
    [InlineData(256, 300, 128)]
    [InlineData(256, 256, 0)]
    [InlineData(512, 256, 0)]
    public void Dimms_are_whole_128_MiB_blocks(long pluggedMiB, long targetMiB, long expectedMiB) =>
        Assert.Equal(expectedMiB * 1024, MemoryPlan.DimmKiB(pluggedMiB * 1024, targetMiB * 1024));

    [Fact]
    public void Meminfo_is_read_for_MemTotal_MemFree_and_MemAvailable()
    {
        var info = GuestMemInfo.Parse("MemTotal:         209972 kB\nMemFree:          173588 kB\nMemAvailable:     176660 kB\nBuffers: 0 kB\n");

        Assert.Equal(new GuestMemInfo(209972, 173588, 176660), info);
        Assert.Null(GuestMemInfo.Parse("nothing here"));
    }

    [Theory]
    [InlineData("0", new long[] { 0 })]
    [InlineData("1-3", new long[] { 1, 2, 3 })]
    [InlineData("0,2-3", new long[] { 0, 2, 3 })]
    public void Cpu_lists_are_read_as_virsh_writes_them(string text, long[] expected) =>
        Assert.Equal(expected, CpuList.TryParse(text, out _));

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("3-1")]
    [InlineData("-1")]
    public void Anything_else_is_not_a_cpu_list(string text)
    {
        Assert.Null(CpuList.TryParse(text, out var error));
        Assert.Contains("not a CPU list", error, StringComparison.Ordinal);
    }
}

/// <summary>Automatic ballooning decisions.</summary>
public sealed class AutoBalloonPolicyTests
{
    private static readonly AutoBalloonPolicy Policy = new(160 * 1024, 512 * 1024, 40, 100 * 1024, TimeSpan.FromSeconds(10));

    [Fact]
    public void Given_an_idle_guest_then_it_reclaims_at_most_100_MiB_per_step()
    {
        var next = Policy.Next(512 * 1024, 440 * 1024, 100 * 1024);

        Assert.Equal(412 * 1024, next);
    }

    [Fact]
    public void Given_a_guest_short_of_memory_then_it_gives_back_all_it_wants_at_once()
    {
        // used 140 MiB → wanted 140 / 0.6 = 233 MiB, from 160 MiB: +73 MiB in one step.
        var next = Policy.Next(160 * 1024, 20 * 1024, 100 * 1024);

        Assert.InRange(next!.Value, 232 * 1024, 234 * 1024);
    }

    [Fact]
    public void It_never_goes_below_min_or_the_floor_nor_above_max_and_holds_near_the_target()
    {
        Assert.Equal(160 * 1024, Policy.Next(200 * 1024, 190 * 1024, 50 * 1024));
        Assert.Equal(180 * 1024, Policy.Next(200 * 1024, 190 * 1024, 180 * 1024));
        Assert.Equal(512 * 1024, Policy.Next(480 * 1024, 10 * 1024, 50 * 1024));
        Assert.Null(Policy.Next(250 * 1024, 100 * 1024, 50 * 1024));
    }
}
