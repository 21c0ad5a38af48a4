using System.Text.Json.Nodes;
using Virtlab.IntegrationTests.Infrastructure;

namespace Virtlab.IntegrationTests;

/// <summary>Hot-plug on a guest whose agent never answers: QEMU's part is done and said to be pending in the guest,
/// guest-only operations fail with a clear agent error, and the VM keeps running.</summary>
public sealed class HungAgentHotplugTests
{
    [Fact]
    public async Task Setvcpus_on_a_guest_whose_agent_never_answers_says_pending_in_guest_and_guest_only_changes_fail_clearly()
    {
        Requirements.QemuAndImage();
        await using var host = new VirtlabHost();
        var xml = Path.Combine(host.Home, "mute.xml");
        await File.WriteAllTextAsync(xml, """
            <domain type='qemu'>
              <name>mute</name>
              <memory unit='MiB'>256</memory>
              <vcpu current='1'>2</vcpu>
              <os><type arch='x86_64' machine='pc'>hvm</type><cmdline>virtlab.agent=off</cmdline></os>
              <devices>
                <channel type='unix'>
                  <source mode='bind'/>
                  <target type='virtio' name='org.qemu.guest_agent.0'/>
                </channel>
              </devices>
            </domain>
            """, TestContext.Current.CancellationToken);
        await host.OkAsync("define", xml);
        await host.OkAsync("start", "mute");
        var pid = await host.QemuPidAsync("mute");

        var plug = JsonNode.Parse(await host.OkAsync("setvcpus", "mute", "2", "--live", "--json"))!;

        Assert.Equal("pending-guest", plug["result"]!.GetValue<string>());
        Assert.Equal(2, plug["liveVcpus"]!.GetValue<int>());
        Assert.Contains("unresponsive", plug["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var guestOnly = await host.RunAsync("setvcpus", "mute", "1", "--guest");

        Assert.Equal(1, guestOnly.ExitCode);
        Assert.Contains("guest agent of 'mute' is unresponsive", guestOnly.Stderr, StringComparison.Ordinal);
        Assert.True(VirtlabHost.ProcessAlive(pid));
        var count = JsonNode.Parse(await host.OkAsync("vcpucount", "mute", "--json"))!;
        Assert.Equal(2, count["currentLive"]!.GetValue<int>());
        Assert.Null(count["currentGuest"]);
    }
}
