namespace Virtlab.Domain.Definitions;

public enum CpuMode
{
    /// <summary>No &lt;cpu&gt; element: QEMU's default model.</summary>
    Default,
    HostPassthrough,
    HostModel,
    Custom,
}
