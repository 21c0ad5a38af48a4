namespace Virtlab.Domain.Definitions;

/// <summary>libvirt's &lt;feature policy='...' name='...'/&gt;.</summary>
public sealed record CpuFeature(string Name, CpuFeaturePolicy Policy);
