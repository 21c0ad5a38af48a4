using Virtlab.IntegrationTests.Infrastructure;

namespace Virtlab.IntegrationTests.CpuClock;

/// <summary>One live guest shared by every test of a class (xUnit makes a class instance per test; a fixture lives once per class).</summary>
public abstract class LiveGuestFixture : IAsyncLifetime
{
    protected LiveGuestFixture(string name, params string[] options)
    {
        Name = name;
        Options = options;
    }

    public VirtlabHost Host { get; } = new();

    public string Name { get; }

    public int Pid { get; private set; }

    private string[] Options { get; }

    public async ValueTask InitializeAsync()
    {
        if (File.Exists("/usr/bin/qemu-system-x86_64") && File.Exists(Path.Combine(Requirements.DefaultImageDir, "initrd.img")))
        {
            Pid = await Host.CreateAsync(Name, [.. Options, "--image", ImageOfThisTree.Path]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

/// <summary>A live Nehalem guest, 1 vCPU, 256 MiB, with its PMU asked for (pmu=on).</summary>
public sealed class NehalemGuestFixture() : LiveGuestFixture("neh", "--cpu", "Nehalem", "--memory", "256M", "--pmu", "on");

/// <summary>A live default-CPU guest, 1 vCPU, 256 MiB, for the clock tests.</summary>
public sealed class ClockGuestFixture() : LiveGuestFixture("clk", "--memory", "256M");
