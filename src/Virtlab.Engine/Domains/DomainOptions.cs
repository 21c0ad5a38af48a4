namespace Virtlab.Engine.Domains;

/// <summary>Named timeouts of a domain's life (QEMU start, agent, shutdown, destroy), with their defaults.</summary>
public sealed class DomainOptions
{
    /// <summary>From spawning QEMU to its QMP socket answering. Default 15 s.</summary>
    public TimeSpan QmpReadyTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Default bound for <c>--wait-agent</c> without a value. Default 60 s.</summary>
    public TimeSpan AgentReadyTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Default bound for a guest-agent command. Default 30 s.</summary>
    public TimeSpan AgentCommandTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long <c>shutdown</c> waits for the guest to power off after the ACPI power button. Default 60 s.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long <c>destroy</c> waits after QMP quit, then after SIGTERM, before SIGKILL. Default 3 s each.</summary>
    public TimeSpan DestroyStepTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How often a re-attached QEMU (not our child) is checked for life. Default 250 ms.</summary>
    public TimeSpan AttachedPollInterval { get; init; } = TimeSpan.FromMilliseconds(250);
}
