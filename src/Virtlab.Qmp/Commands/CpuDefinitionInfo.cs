namespace Virtlab.Qmp;

/// <summary>One CPU model of <c>query-cpu-definitions</c>.</summary>
/// <param name="Name">The model name for <c>-cpu</c>, e.g. <c>SandyBridge</c>.</param>
/// <param name="Typename">The QOM type, e.g. <c>SandyBridge-x86_64-cpu</c>.</param>
/// <param name="UnavailableFeatures">Features this accelerator cannot provide (empty: usable as is; null: not reported).</param>
/// <param name="Static">The model never changes between QEMU versions/machine types.</param>
/// <param name="Deprecated">QEMU deprecates the model.</param>
/// <param name="AliasOf">The versioned model this name currently means, e.g. <c>SandyBridge-v1</c>.</param>
/// <param name="MigrationSafe">The model is safe to migrate (null when not reported).</param>
public sealed record CpuDefinitionInfo(
    string Name,
    string Typename,
    IReadOnlyList<string>? UnavailableFeatures,
    bool Static,
    bool Deprecated,
    string? AliasOf = null,
    bool? MigrationSafe = null);
