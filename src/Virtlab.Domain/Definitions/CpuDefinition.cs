namespace Virtlab.Domain.Definitions;

/// <summary>libvirt's &lt;cpu&gt;: mode, model and feature policies.</summary>
public sealed record CpuDefinition
{
    public static readonly CpuDefinition Default = new();

    public CpuMode Mode { get; init; } = CpuMode.Default;

    /// <summary>The named model for <see cref="CpuMode.Custom"/> (e.g. "Nehalem").</summary>
    public string? Model { get; init; }

    /// <summary>libvirt's &lt;model fallback='allow|forbid'&gt;.</summary>
    public CpuFallback Fallback { get; init; } = CpuFallback.Allow;

    public IReadOnlyList<CpuFeature> Features { get; init; } = [];

    public bool Equals(CpuDefinition? other) =>
        other is not null && Mode == other.Mode && Model == other.Model &&
        Fallback == other.Fallback && Features.SequenceEqual(other.Features);

    public override int GetHashCode() => HashCode.Combine(Mode, Model, Fallback, Features.Count);
}
