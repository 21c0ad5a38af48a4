using System.Text.Json.Nodes;
using Virtlab.Qmp;

namespace Virtlab.Protocol.Tests.RealQemu;

/// <summary>QmpClient against a real <c>qemu-system-x86_64 -S</c> (no guest needed). Skipped when QEMU is absent,
/// unless CI=true. Each test starts its own QEMU and kills it by PID afterwards.</summary>
public sealed class RealQemuQmpTests : IAsyncDisposable
{
    private QemuUnderTest? _qemu;
    private QmpClient? _client;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static QmpClientOptions Options => new() { CommandTimeout = TimeSpan.FromSeconds(10) };

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        if (_qemu is not null)
        {
            await _qemu.DisposeAsync();
        }
    }

    [Fact]
    public async Task Given_a_paused_QEMU_When_querying_Then_status_version_and_cpu_slots_match_the_command_line()
    {
        var client = await StartAsync();

        var status = await client.QueryStatusAsync(Ct);
        var version = await client.QueryVersionAsync(Ct);
        var slots = await client.QueryHotpluggableCpusAsync(Ct);
        var cpus = await client.QueryCpusFastAsync(Ct);
        var kvm = await client.QueryKvmAsync(Ct);
        var models = await client.QueryCpuDefinitionsAsync(Ct);

        Assert.Equal(new StatusInfo("prelaunch", false), status);
        Assert.Equal(client.Greeting.QemuVersion, version);
        Assert.True(version.Major >= 7, $"unexpected QEMU version {version}");
        Assert.Equal(4, slots.Count);
        Assert.Single(slots, s => s.IsPlugged);
        Assert.Single(cpus);
        Assert.False(kvm.Enabled);
        Assert.True(models.Count > 100, $"only {models.Count} CPU models");
        Assert.Empty(models.Single(m => m.Name == "qemu64").UnavailableFeatures!);
    }

    [Fact]
    public async Task Given_a_free_cpu_slot_When_device_add_plugs_it_while_paused_Then_query_cpus_fast_counts_two()
    {
        var client = await StartAsync();
        var free = (await client.QueryHotpluggableCpusAsync(Ct)).Where(s => !s.IsPlugged).MinBy(s => s.Props.CoreId)!;
        var arguments = free.Props.ToJsonObject();
        arguments["driver"] = free.Type;
        arguments["id"] = "cpu1";

        await client.DeviceAddAsync(arguments, Ct);
        var cpus = await client.QueryCpusFastAsync(Ct);
        var slots = await client.QueryHotpluggableCpusAsync(Ct);

        Assert.Equal(2, cpus.Count);
        Assert.Contains(cpus, c => c.QomPath == "/machine/peripheral/cpu1" && c.Props!.CoreId == free.Props.CoreId);
        Assert.Equal(2, slots.Count(s => s.IsPlugged));
    }

    [Fact]
    public async Task Given_a_missing_device_When_device_del_Then_QEMU_answers_DeviceNotFound()
    {
        var client = await StartAsync();

        var error = await Assert.ThrowsAsync<QmpCommandException>(() => client.DeviceDelAsync("nope", Ct));

        Assert.Equal("DeviceNotFound", error.ErrorClass);
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task Given_this_client_holds_the_monitor_When_a_second_client_connects_Then_it_gets_GreetingTimeout()
    {
        await StartAsync();

        var error = await Assert.ThrowsAsync<QmpException>(() => QmpClient.ConnectAsync(
            _qemu!.SocketPath, new QmpClientOptions { GreetingTimeout = TimeSpan.FromMilliseconds(500) }, Ct));

        Assert.Equal(QmpErrorKind.GreetingTimeout, error.Kind);
        Assert.Contains("another client", error.Message, StringComparison.Ordinal);
        Assert.Equal("prelaunch", (await _client!.QueryStatusAsync(Ct)).Status);
    }

    [Fact]
    public async Task Given_quit_When_QEMU_exits_Then_SHUTDOWN_arrives_Completion_completes_and_the_process_is_gone()
    {
        var client = await StartAsync();
        using var shutdown = client.SubscribeToEvents("SHUTDOWN");
        var raw = await client.ExecuteRawAsync(new JsonObject { ["execute"] = "query-status", ["id"] = "mine" }, cancellationToken: Ct);

        await client.QuitAsync(Ct);
        await client.Completion.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await _qemu!.WaitForExitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal("mine", raw["id"]!.GetValue<string>());
        Assert.Equal("host-qmp-quit", (await shutdown.WaitAsync(TimeSpan.FromSeconds(5), Ct)).Data!["reason"]!.GetValue<string>());
        Assert.False(client.IsConnected);
        Assert.True(_qemu.HasExited);
    }

    private async Task<QmpClient> StartAsync()
    {
        var binary = QemuUnderTest.RequireBinary();
        _qemu = QemuUnderTest.Start(binary);
        _client = await _qemu.ConnectAsync(Options, Ct);
        return _client;
    }
}
