using Virtlab.Lab.Scenarios;

namespace Virtlab.Lab.Tests.Scenarios;

/// <summary>The matrix expanded: host first, the cross product in axis order, exclude and include rows, ids and labels.</summary>
public sealed class WorldMatrixTests
{
    private static WorldsSpec Worlds(
        bool host = false,
        string[]? cpu = null,
        string[]? vcpus = null,
        string[]? memory = null,
        string[]? accel = null,
        Dictionary<string, string>[]? exclude = null,
        Dictionary<string, string>[]? include = null) =>
        new(host, cpu ?? ["max"], vcpus ?? ["1"], memory ?? ["256M"], accel ?? ["auto"], exclude ?? [], include ?? []);

    [Fact]
    public void Given_the_host_and_two_axes_of_two_then_the_host_comes_first_and_the_cross_product_runs_cpu_first()
    {
        var worlds = WorldMatrix.Expand(Worlds(host: true, cpu: ["max", "Nehalem"], accel: ["kvm", "tcg"]));

        Assert.Equal(
            ["host", "vm-max-1-256m-kvm", "vm-max-1-256m-tcg", "vm-nehalem-1-256m-kvm", "vm-nehalem-1-256m-tcg"],
            worlds.Select(w => w.Id));
        Assert.Equal(new WorldSpec("host", "host (this machine)", WorldKind.Host, null, null, null, null), worlds[0]);
        Assert.Equal(new WorldSpec("vm-nehalem-1-256m-tcg", "Nehalem · 1 vCPU · 256 MiB · tcg", WorldKind.Vm, "Nehalem", "1", "256M", "tcg"), worlds[4]);
    }

    [Fact]
    public void Given_an_exclude_row_then_every_cell_matching_all_its_keys_case_insensitively_is_left_out()
    {
        var worlds = WorldMatrix.Expand(Worlds(
            cpu: ["max", "Nehalem"],
            vcpus: ["1", "2"],
            exclude: [new() { ["cpu"] = "nehalem", ["vcpus"] = "2" }]));

        Assert.Equal(["vm-max-1-256m-auto", "vm-max-2-256m-auto", "vm-nehalem-1-256m-auto"], worlds.Select(w => w.Id));
    }

    [Fact]
    public void Given_include_rows_then_missing_axes_take_the_first_value_and_a_row_equal_to_a_cell_adds_nothing()
    {
        var worlds = WorldMatrix.Expand(Worlds(
            cpu: ["max", "Nehalem"],
            memory: ["512M", "1G"],
            include: [new() { ["cpu"] = "qemu64" }, new() { ["cpu"] = "MAX", ["memory"] = "1g" }, new() { ["accel"] = "tcg", ["vcpus"] = "2,maxvcpus=4" }]));

        Assert.Equal(
            ["vm-max-1-512m-auto", "vm-max-1-1g-auto", "vm-nehalem-1-512m-auto", "vm-nehalem-1-1g-auto", "vm-qemu64-1-512m-auto", "vm-max-2v4-512m-tcg"],
            worlds.Select(w => w.Id));
    }

    [Fact]
    public void Given_an_include_row_of_an_excluded_cell_then_it_is_back()
    {
        var worlds = WorldMatrix.Expand(Worlds(
            cpu: ["max", "Nehalem"],
            exclude: [new() { ["cpu"] = "Nehalem" }],
            include: [new() { ["cpu"] = "Nehalem" }]));

        Assert.Equal(["vm-max-1-256m-auto", "vm-nehalem-1-256m-auto"], worlds.Select(w => w.Id));
    }

    [Fact]
    public void Given_no_vm_cells_and_no_host_then_there_is_no_world_and_only_the_host_when_asked()
    {
        Assert.Empty(WorldMatrix.Expand(Worlds(cpu: [])));
        Assert.Equal(["host"], WorldMatrix.Expand(Worlds(host: true, cpu: [])).Select(w => w.Id));
    }

    [Fact]
    public void Given_an_include_row_when_an_axis_is_empty_then_it_takes_that_axis_default()
    {
        Assert.Equal(["vm-qemu64-1-256m-auto"], WorldMatrix.Expand(Worlds(cpu: [], include: [new() { ["cpu"] = "qemu64" }])).Select(w => w.Id));
    }

    [Fact]
    public void Given_two_cells_with_the_same_id_then_expand_refuses()
    {
        var e = Assert.Throws<ArgumentException>(() => WorldMatrix.Expand(Worlds(cpu: ["Nehalem", "nehalem"])));

        Assert.Contains("vm-nehalem-1-256m-auto", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Nehalem", "2,maxvcpus=4", "256M,maxmemory=1G", "auto", "vm-nehalem-2v4-256m-1g-auto")]
    [InlineData("max", "1", "512MiB", "kvm", "vm-max-1-512mib-kvm")]
    [InlineData("Skylake-Client-v4", "8", "2GiB", "tcg", "vm-skylake-client-v4-8-2gib-tcg")]
    [InlineData("EPYC,+avx2", "1", "1.5G", "auto", "vm-epyc--avx2-1-1-5g-auto")]
    [InlineData("max", "1", "256M,maxmemory=1G", "auto", "vm-max-1-256m-1g-auto")]
    public void Given_a_cell_then_its_id_is_lower_case_and_file_name_safe(string cpu, string vcpus, string memory, string accel, string id)
    {
        Assert.Equal(id, WorldMatrix.Vm(cpu, vcpus, memory, accel).Id);
    }

    [Theory]
    [InlineData("Nehalem", "2,maxvcpus=4", "256M,maxmemory=1G", "auto", "Nehalem · 2 vCPUs (max 4) · 256 MiB (max 1 GiB) · auto")]
    [InlineData("max", "1", "1024K", "kvm", "max · 1 vCPU · 1 MiB · kvm")]
    [InlineData("max", "1,maxvcpus=2", "1.5G", "tcg", "max · 1 vCPU (max 2) · 1.5 GiB · tcg")]
    [InlineData("max", "4", "2048", "auto", "max · 4 vCPUs · 2 GiB · auto")]
    public void Given_a_cell_then_its_label_is_for_people(string cpu, string vcpus, string memory, string accel, string label)
    {
        Assert.Equal(label, WorldMatrix.Vm(cpu, vcpus, memory, accel).Label);
    }

    [Fact]
    public void Given_a_row_then_it_matches_a_cell_only_when_every_key_equals_its_value()
    {
        var cell = WorldMatrix.Vm("Nehalem", "2", "256M", "auto");

        Assert.True(WorldMatrix.Matches(new Dictionary<string, string> { ["cpu"] = "NEHALEM" }, cell));
        Assert.True(WorldMatrix.Matches(new Dictionary<string, string> { ["cpu"] = "Nehalem", ["accel"] = "Auto" }, cell));
        Assert.False(WorldMatrix.Matches(new Dictionary<string, string> { ["cpu"] = "Nehalem", ["vcpus"] = "1" }, cell));
        Assert.False(WorldMatrix.Matches(new Dictionary<string, string> { ["memory"] = "256MiB" }, cell));
    }
}
