namespace Virtlab.IntegrationTests.Infrastructure;

/// <summary>One host with one running VM ("survivor") shared by a test class, to show that bad input never harms a running VM.</summary>
public sealed class SurvivorFixture : IAsyncLifetime
{
    public VirtlabHost Host { get; } = new();

    public int Pid { get; private set; }

    public async ValueTask InitializeAsync()
    {
        if (File.Exists("/usr/bin/qemu-system-x86_64") && File.Exists(Path.Combine(Requirements.DefaultImageDir, "initrd.img")))
        {
            Pid = await Host.CreateAsync("survivor");
        }
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}
