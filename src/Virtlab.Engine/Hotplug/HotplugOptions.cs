namespace Virtlab.Engine.Hotplug;

/// <summary>Named bounds of hot-plug and ballooning, with their defaults.</summary>
public sealed class HotplugOptions
{
    /// <summary>device_add of a vCPU → QEMU's ACPI_DEVICE_OST (the guest processed the plug). Default 5 s.</summary>
    public TimeSpan PlugEventTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>device_del of a vCPU or DIMM → DEVICE_DELETED (the guest ejected it). Default 10 s.</summary>
    public TimeSpan UnplugEventTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the guest may take to report plugged vCPUs online. Default 20 s.</summary>
    public TimeSpan GuestOnlineTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Each guest-agent call made by hot-plug or ballooning. Default 10 s.</summary>
    public TimeSpan AgentStepTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long setmem waits for query-balloon to reach the target. Default 15 s.</summary>
    public TimeSpan BalloonTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long setmem waits for the guest's MemTotal to show a hot-plugged DIMM. Default 10 s.</summary>
    public TimeSpan GuestMemoryTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an operation waits for another job on the same VM to finish. Default 30 s.</summary>
    public TimeSpan JobWaitTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
