using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Virtlab.IntegrationTests.Infrastructure;

/// <summary>One guest shared by a hot-plug test class: created with --vcpus 1,maxvcpus=4 --memory 256M,maxmemory=1G
/// (the issue's "done when" guest), read through the CLI and the guest's own /proc and /sys files.</summary>
public sealed partial class HotplugGuest : IAsyncLifetime
{
    public const string Name = "hp";

    public VirtlabHost Host { get; } = new();

    public int Pid { get; private set; }

    public async ValueTask InitializeAsync()
    {
        if ((File.Exists("/usr/bin/qemu-system-x86_64") || Environment.GetEnvironmentVariable("VIRTLAB_QEMU") is not null)
            && File.Exists(Path.Combine(Requirements.DefaultImageDir, "initrd.img")))
        {
            Pid = await Host.CreateAsync(Name, "--vcpus", "1,maxvcpus=4", "--memory", "256M,maxmemory=1G");
        }
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();

    /// <summary>setvcpus NAME N --live --json; asserts success and returns the reply.</summary>
    public async Task<JsonNode> SetVcpusAsync(int count, string mode = "--live") =>
        JsonNode.Parse(await Host.OkAsync("setvcpus", Name, count.ToString(CultureInfo.InvariantCulture), mode, "--json"))!;

    /// <summary>vcpucount --json.</summary>
    public async Task<JsonNode> VcpuCountAsync() => JsonNode.Parse(await Host.OkAsync("vcpucount", Name, "--json"))!;

    /// <summary>The guest's /sys/devices/system/cpu/online, e.g. "0-2".</summary>
    public async Task<string> GuestOnlineCpusAsync() =>
        (await Host.GuestExecAsync(Name, "/bin/cat", "/sys/devices/system/cpu/online")).Trim();

    /// <summary>The guest's MemTotal in KiB, from its own /proc/meminfo.</summary>
    public async Task<long> GuestMemTotalKiBAsync()
    {
        var meminfo = await Host.GuestExecAsync(Name, "/bin/cat", "/proc/meminfo");
        return long.Parse(MemTotal().Match(meminfo).Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>setmem NAME SIZE --live --json; asserts success.</summary>
    public async Task<JsonNode> SetMemAsync(string size) =>
        JsonNode.Parse(await Host.OkAsync("setmem", Name, size, "--live", "--json"))!;

    [GeneratedRegex(@"MemTotal:\s+(\d+) kB")]
    private static partial Regex MemTotal();
}
