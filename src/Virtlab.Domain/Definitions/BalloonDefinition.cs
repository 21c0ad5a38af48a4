namespace Virtlab.Domain.Definitions;

/// <summary>libvirt's &lt;memballoon model='virtio'&gt;.</summary>
public sealed record BalloonDefinition
{
    /// <summary>&lt;stats period='N'/&gt; in seconds; 0 = off.</summary>
    public int StatsPeriodSeconds { get; init; } = 2;

    /// <summary>&lt;driver deflate_on_oom='on'/&gt;.</summary>
    public bool DeflateOnOom { get; init; }
}
