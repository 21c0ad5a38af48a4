using System.Text.Json.Nodes;
using Virtlab.Qmp;

namespace Virtlab.Protocol.Tests.Qmp;

public sealed partial class QmpClientTests
{
    [Fact]
    public async Task Given_a_paused_QEMU_When_querying_status_and_version_Then_the_recorded_values_are_typed()
    {
        await using var client = await ConnectAsync();

        var status = await client.QueryStatusAsync(Ct);
        var version = await client.QueryVersionAsync(Ct);
        var kvm = await client.QueryKvmAsync(Ct);

        Assert.Equal(new StatusInfo("prelaunch", false), status);
        Assert.Equal(new QemuVersion(10, 0, 2, "Debian 1:10.0.2+ds-2+deb13u1~bpo12+1"), version);
        Assert.Equal("10.0.2", version.ToString());
        Assert.Equal(new KvmInfo(Enabled: false, Present: true), kvm);
    }

    [Fact]
    public async Task Given_smp_1_maxcpus_4_When_querying_hotpluggable_cpus_Then_four_slots_highest_first_and_only_slot_0_plugged()
    {
        await using var client = await ConnectAsync();

        var slots = await client.QueryHotpluggableCpusAsync(Ct);

        Assert.Equal([3, 2, 1, 0], slots.Select(s => s.Props.CoreId!.Value));
        Assert.All(slots, s => Assert.Equal("qemu64-x86_64-cpu", s.Type));
        Assert.All(slots, s => Assert.Equal(1, s.VcpusCount));
        Assert.Equal([false, false, false, true], slots.Select(s => s.IsPlugged));
        Assert.Equal("/machine/unattached/device[0]", slots[3].QomPath);
        Assert.Equal(new CpuInstanceProperties(SocketId: 0, CoreId: 1, ThreadId: 0), slots[2].Props);
        Assert.Equal("""{"socket-id":0,"core-id":1,"thread-id":0}""", slots[2].Props.ToJsonObject().ToJsonString());
    }

    [Fact]
    public async Task Given_one_vcpu_When_querying_cpus_fast_Then_its_index_path_thread_and_props_are_typed()
    {
        await using var client = await ConnectAsync();

        var cpu = Assert.Single(await client.QueryCpusFastAsync(Ct));

        Assert.Equal(0, cpu.CpuIndex);
        Assert.Equal("/machine/unattached/device[0]", cpu.QomPath);
        Assert.Equal("x86_64", cpu.Target);
        Assert.True(cpu.ThreadId > 0);
        Assert.Equal(0, cpu.Props!.CoreId);
    }

    [Fact]
    public async Task Given_TCG_When_querying_cpu_definitions_Then_unavailable_features_aliases_and_flags_are_typed()
    {
        await using var client = await ConnectAsync();

        var models = (await client.QueryCpuDefinitionsAsync(Ct)).ToDictionary(m => m.Name);

        Assert.Equal(["tsc-deadline"], models["SandyBridge"].UnavailableFeatures);
        Assert.Equal("SandyBridge-v1", models["SandyBridge"].AliasOf);
        Assert.Equal(["kvm"], models["host"].UnavailableFeatures);
        Assert.Empty(models["qemu64"].UnavailableFeatures!);
        Assert.Equal("qemu64-x86_64-cpu", models["qemu64"].Typename);
        Assert.True(models["base"].Static);
        Assert.False(models["max"].Deprecated);
        Assert.Null(models["max"].AliasOf);
        Assert.False(models["max"].MigrationSafe);
    }

    [Fact]
    public async Task Given_the_balloon_machines_and_commands_When_querying_Then_the_recorded_values_are_typed()
    {
        await using var client = await ConnectAsync();

        var balloon = await client.QueryBalloonAsync(Ct);
        var machines = await client.QueryMachinesAsync(Ct);
        var commands = await client.QueryCommandsAsync(Ct);

        Assert.Equal(134217728, balloon.Actual);
        var pc = Assert.Single(machines, m => m.Alias == "pc");
        Assert.Equal("pc-i440fx-10.0", pc.Name);
        Assert.True(pc.IsDefault);
        Assert.True(pc.HotpluggableCpus);
        Assert.Equal(255, pc.CpuMax);
        Assert.False(Assert.Single(machines, m => m.Name == "microvm").HotpluggableCpus);
        Assert.Contains(commands, c => c.Name == "query-hotpluggable-cpus");
    }

    [Fact]
    public async Task Given_typed_helpers_When_called_Then_the_wire_command_and_arguments_are_what_QEMU_expects()
    {
        _server.On("device_del", r => r.ReplyRecordedAsync("error-device_del-cpu-unplug-unsupported"));
        await using var client = await ConnectAsync();
        var cpu = new JsonObject { ["driver"] = "qemu64-x86_64-cpu", ["id"] = "cpu1", ["socket-id"] = 0, ["core-id"] = 1, ["thread-id"] = 0 };

        await client.DeviceAddAsync(cpu, Ct);
        var unplug = await Assert.ThrowsAsync<QmpCommandException>(() => client.DeviceDelAsync("cpu1", Ct));
        await client.BalloonAsync(64L * 1024 * 1024, Ct);
        await client.QomSetAsync("/machine/peripheral/balloon0", "guest-stats-polling-interval", JsonValue.Create(2), Ct);
        var interval = await client.QomGetAsync("/machine/peripheral/balloon0", "guest-stats-polling-interval", Ct);
        await client.StopAsync(Ct);
        await client.ContAsync(Ct);
        await client.SystemPowerdownAsync(Ct);

        var sent = CommandsAfterHandshake();
        Assert.Equal(
            ["device_add", "device_del", "balloon", "qom-set", "qom-get", "stop", "cont", "system_powerdown"],
            sent.Select(r => r.Command));
        Assert.True(JsonNode.DeepEquals(cpu, sent[0].Arguments));
        Assert.Equal("""{"id":"cpu1"}""", sent[1].Arguments!.ToJsonString());
        Assert.Equal("""{"value":67108864}""", sent[2].Arguments!.ToJsonString());
        Assert.Equal(2, sent[3].Arguments!["value"]!.GetValue<int>());
        Assert.Equal(2, interval!.GetValue<int>());
        Assert.Null(sent[5].Arguments);
        Assert.Contains("unplug request for not supported device type", unplug.Description, StringComparison.Ordinal);
    }
}
