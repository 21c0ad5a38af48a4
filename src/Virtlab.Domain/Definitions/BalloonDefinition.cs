namespace Virtlab.Domain.Definitions;

/// <summary>libvirt's &lt;memballoon model='virtio'&gt;.</summary>
public sealed record BalloonDefinition
{
    /// <summary>&lt;stats period='N'/&gt; in seconds; 0 = off.</summary>
    public int StatsPeriodSeconds { get; init; } = 2;

    /// <summary>
    /// libvirt's &lt;memballoon autodeflate='on'&gt; (QEMU's <c>deflate-on-oom=on</c>): the guest
    /// takes memory back from the balloon rather than OOM-kill. Measured: the guest then survives a
    /// too-small target, but MemTotal stops moving (only MemFree does) and the target is not reached.
    /// </summary>
    public bool DeflateOnOom { get; init; }
}
