using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Virtlab.IntegrationTests.Infrastructure;

namespace Virtlab.IntegrationTests.CpuClock;

/// <summary>
/// The talk's clock trap on a live guest: a paused guest's clock stops, so after resume its wall
/// clock lags the host by the pause; domtime --sync (or resume --sync-time) corrects it.
/// </summary>
public sealed partial class ClockTests(ClockGuestFixture guest) : IClassFixture<ClockGuestFixture>
{
    private const string Vm = "clk";
    private readonly VirtlabHost _host = guest.Host;

    [Fact]
    public async Task After_a_5_second_pause_the_guest_clock_is_at_least_4_seconds_behind_and_domtime_sync_brings_it_within_1_second()
    {
        Requirements.QemuAndImage();
        await _host.OkAsync("domtime", Vm, "--sync");
        Assert.InRange(await OffsetAsync(), -1, 1);

        await _host.OkAsync("suspend", Vm);
        Assert.Matches(@"State:\s+paused", await _host.OkAsync("dominfo", Vm));
        await Task.Delay(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        await _host.OkAsync("resume", Vm);

        var text = await _host.OkAsync("domtime", Vm);
        Assert.Matches(@"^Time: \d{10}\n", text);
        var lag = await OffsetAsync();
        Assert.True(lag <= -4, $"after a 5 s pause the guest is only {lag:0.000} s off");

        var sync = await _host.OkAsync("domtime", Vm, "--sync");
        Assert.Contains("Offset before: -", sync, StringComparison.Ordinal);
        Assert.InRange(await OffsetAsync(), -1, 1);
    }

    [Fact]
    public async Task Resume_with_sync_time_corrects_the_clock_by_itself_and_reports_both_offsets()
    {
        Requirements.QemuAndImage();
        await _host.OkAsync("suspend", Vm);
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);

        var text = await _host.OkAsync("resume", Vm, "--sync-time");

        var m = SyncLine().Match(text);
        Assert.True(m.Success, text);
        Assert.True(double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) <= -2.5, text);
        Assert.InRange(await OffsetAsync(), -1, 1);
    }

    [Fact]
    public async Task Domtime_time_sets_the_guest_clock_to_the_given_moment()
    {
        Requirements.QemuAndImage();

        await _host.OkAsync("domtime", Vm, "--time", "1479815329");
        var text = await _host.OkAsync("domtime", Vm, "--pretty");
        await _host.OkAsync("domtime", Vm, "--sync");

        Assert.Contains("Time: 2016-11-22 11:4", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Suspending_a_paused_guest_or_resuming_a_running_one_is_refused_and_leaves_it_as_it_was()
    {
        Requirements.QemuAndImage();

        var resume = await _host.RunAsync("resume", Vm);
        await _host.OkAsync("suspend", Vm);
        var again = await _host.RunAsync("suspend", Vm);
        var time = await _host.RunAsync("domtime", Vm);
        await _host.OkAsync("resume", Vm);

        Assert.Contains("not paused", resume.Stderr, StringComparison.Ordinal);
        Assert.Contains("already paused", again.Stderr, StringComparison.Ordinal);
        Assert.Contains("paused", time.Stderr, StringComparison.Ordinal);
        Assert.Matches(@"State:\s+running", await _host.OkAsync("dominfo", Vm));
    }

    [Fact]
    public async Task Domtime_sync_on_a_guest_without_an_answering_agent_fails_clearly_and_the_vm_keeps_running()
    {
        Requirements.QemuAndImage();
        var xml = Path.Combine(_host.Home, "noagent.xml");
        await File.WriteAllTextAsync(xml, $"""
            <domain type='qemu'>
              <name>noagent</name>
              <memory unit='MiB'>256</memory>
              <vcpu>1</vcpu>
              <os><type arch='x86_64' machine='pc'>hvm</type><cmdline>virtlab.agent=off</cmdline></os>
              <devices>
                <channel type='unix'>
                  <source mode='bind'/>
                  <target type='virtio' name='org.qemu.guest_agent.0'/>
                </channel>
              </devices>
            </domain>
            """, TestContext.Current.CancellationToken);
        await _host.OkAsync("define", xml);
        await _host.OkAsync("start", "noagent");
        var pid = await _host.QemuPidAsync("noagent");

        var r = await _host.RunAsync("domtime", "noagent", "--sync");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("guest agent of 'noagent' is unresponsive", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("unchanged", r.Stderr, StringComparison.Ordinal);
        Assert.True(VirtlabHost.ProcessAlive(pid));
        Assert.Matches(@"State:\s+running", await _host.OkAsync("dominfo", "noagent"));
        await _host.OkAsync("destroy", "noagent");
    }

    private async Task<double> OffsetAsync() =>
        JsonNode.Parse(await _host.OkAsync("domtime", Vm, "--json"))!["offsetSeconds"]!.GetValue<double>();

    [GeneratedRegex(@"Guest clock synced: offset ([-+]\d+\.\d+) s -> ([-+]\d+\.\d+) s")]
    private static partial Regex SyncLine();
}
