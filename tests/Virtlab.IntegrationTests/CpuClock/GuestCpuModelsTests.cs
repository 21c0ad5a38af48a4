using System.Text.Json.Nodes;
using Virtlab.IntegrationTests.Infrastructure;

namespace Virtlab.IntegrationTests.CpuClock;

/// <summary>The talk's host-vs-guest comparison on live guests of several models, one after the other.</summary>
public sealed class GuestCpuModelsTests
{
    [Theory]
    [InlineData("qemu64", "QEMU Virtual CPU", "sse2", "sse4_2")]
    [InlineData("max", "QEMU TCG CPU", "avx2", "")]
    [InlineData("SandyBridge", "Sandy Bridge", "avx", "tsc_deadline_timer")]
    [InlineData("Nehalem,+avx,-sse4.2", "Nehalem", "avx", "sse4_2")]
    public async Task A_guest_sees_its_models_name_and_flags_and_not_those_removed_or_dropped(string cpu, string modelName, string hasFlag, string lacksFlag)
    {
        Requirements.QemuAndImage();
        await using var host = new VirtlabHost();
        await host.CreateAsync("g", "--cpu", cpu, "--memory", "256M", "--image", ImageOfThisTree.Path);

        var c = JsonNode.Parse(await host.OkAsync("guest-cpuinfo", "g", "--json"))!;

        var flags = c["flags"]!.AsArray().Select(f => f!.GetValue<string>()).ToList();
        Assert.Contains(modelName, c["modelName"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(hasFlag, flags);
        Assert.Contains("hypervisor", flags);
        if (lacksFlag.Length > 0)
        {
            Assert.DoesNotContain(lacksFlag, flags);
        }

        if (cpu == "SandyBridge" && c["accel"]!.GetValue<string>() == "tcg")
        {
            var dropped = c["droppedByAccel"]!.AsArray().Select(f => f!.GetValue<string>()).ToList();
            Assert.Contains("tsc-deadline", dropped);
            Assert.Contains("Dropped by tcg", await host.OkAsync("guest-cpuinfo", "g"), StringComparison.Ordinal);
        }
    }
}
