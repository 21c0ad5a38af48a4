using System.Diagnostics;
using System.Text.Json.Nodes;
using Virtlab.IntegrationTests.Infrastructure;

namespace Virtlab.IntegrationTests;

/// <summary>Automatic ballooning in the daemon: it reclaims memory from an idle guest down to --min and gives it back
/// when a program in the guest allocates, without an OOM kill in the guest.</summary>
public sealed class AutoBalloonTests
{
    [Fact]
    public async Task Autoballoon_reclaims_from_an_idle_guest_and_gives_memory_back_when_the_guest_allocates_without_oom()
    {
        Requirements.QemuAndImage();
        await using var host = new VirtlabHost();
        await host.CreateAsync("ab", "--memory", "512M,maxmemory=1G");

        await host.OkAsync("autoballoon", "ab", "--min", "160M", "--max", "512M", "--target-free", "40", "--interval", "2");
        var reclaimed = await WaitForActualAsync(host, kib => kib <= 170 * 1024, TimeSpan.FromSeconds(60));
        Assert.True(reclaimed <= 170 * 1024, $"the balloon stayed at {reclaimed} KiB");

        // A program in the guest takes 40 MiB and holds it: the daemon must give memory back.
        await host.AgentAsync("ab", """{"execute":"guest-exec","arguments":{"path":"/usr/bin/virtlab-probe","arg":["hold","40","300"]}}""");
        var given = await WaitForActualAsync(host, kib => kib >= reclaimed + (32 * 1024), TimeSpan.FromSeconds(60));
        Assert.True(given >= reclaimed + (32 * 1024), $"the balloon stayed at {given} KiB after the guest allocated");

        var console = await host.OkAsync("console", "ab", "--log");
        Assert.DoesNotContain("Out of memory", console, StringComparison.Ordinal);
        var off = await host.OkAsync("autoballoon", "ab", "--off");
        Assert.Contains("autoballoon off", off, StringComparison.Ordinal);
    }

    private static async Task<long> WaitForActualAsync(VirtlabHost host, Func<long, bool> done, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        long actual;
        do
        {
            actual = JsonNode.Parse(await host.OkAsync("dommemstat", "ab", "--json"))!["actualKiB"]!.GetValue<long>();
            if (done(actual))
            {
                return actual;
            }

            await Task.Delay(1000);
        }
        while (clock.Elapsed < timeout);
        return actual;
    }
}
