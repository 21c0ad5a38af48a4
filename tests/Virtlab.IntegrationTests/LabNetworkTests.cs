using System.Net.NetworkInformation;
using System.Text.RegularExpressions;
using Virtlab.IntegrationTests.Infrastructure;

namespace Virtlab.IntegrationTests;

/// <summary>
/// Two Virtlab hosts, each in its own network namespace on a lab network (scripts/labnet.sh), and a guest with a
/// fixed address on it: reachable from this machine, and still after it migrates; migrate --measure pings it every
/// 10 ms from outside and reports the gap, as the talk's slide does.
/// </summary>
public sealed class LabNetworkTests
{
    [Fact]
    public async Task A_guest_on_the_lab_network_answers_ping_from_outside_before_and_after_migrating_and_the_ping_gap_is_reported()
    {
        using var lab = LabNet.Up();
        await using var h1 = new VirtlabHost();
        await using var h2 = new VirtlabHost();
        await h1.ListenInLabAsync(1);
        await h2.ListenInLabAsync(2);
        var address = $"{LabNet.Subnet}.100";
        await h1.CreateAsync("net1", "--vcpus", "2", "--memory", "256M", "--network", $"bridge={LabNet.Bridge},ip={address}/24");
        Assert.Contains($"<source bridge='{LabNet.Bridge}'/>", await h1.OkAsync("dumpxml", "net1"));
        Assert.True(await AnswersAsync(address), $"{address} does not answer before the migration");

        var samples = Path.Combine(h1.Home, "net1.csv");
        var r = await h1.RunAsync(TimeSpan.FromMinutes(4), "migrate", "net1", h2.Uri!, "--live", "--token-file", h2.TokenFile, "--measure", "--samples", samples);

        Assert.True(r.ExitCode == 0, r.ToString());
        var gap = Regex.Match(r.Stdout, @"external ping ([\d.]+) ms \(largest gap between replies; (\d+) of (\d+) answered\)");
        Assert.True(gap.Success, r.Stdout);
        Assert.True(double.Parse(gap.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 10, r.Stdout);
        Assert.True(int.Parse(gap.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) > 50, r.Stdout);
        Assert.Matches($@"64 bytes from {Regex.Escape(address)}: icmp_seq=\d+ time=[\d.]+ ms \*", r.Stdout);
        var ping = await File.ReadAllLinesAsync(Path.ChangeExtension(samples, ".ping.csv"), TestContext.Current.CancellationToken);
        Assert.Equal("seq,sent_at_s,rtt_ms", ping[0]);
        Assert.True(await AnswersAsync(address), $"{address} does not answer after the migration");
        Assert.Contains("running", await h2.OkAsync("list"));
    }

    [Fact]
    public async Task A_network_on_a_bridge_that_does_not_exist_is_refused_with_how_to_make_it()
    {
        Requirements.QemuAndImage();
        await using var host = new VirtlabHost();

        var r = await host.RunAsync("create", "nobr", "--memory", "256M", "--network", "bridge=vlnone0,ip=10.78.9.9/24");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("the bridge 'vlnone0' does not exist", r.Stderr);
        Assert.Contains("scripts/labnet.sh up", r.Stderr);
        Assert.DoesNotContain("nobr", await host.OkAsync("list", "--all"));
    }

    private static async Task<bool> AnswersAsync(string address)
    {
        using var ping = new Ping();
        for (var i = 0; i < 20; i++)
        {
            if ((await ping.SendPingAsync(address, 500)).Status == IPStatus.Success)
            {
                return true;
            }
        }

        return false;
    }
}
