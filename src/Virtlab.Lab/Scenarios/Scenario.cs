namespace Virtlab.Lab.Scenarios;

/// <summary>
/// A lab scenario as the user wrote it (docs/LAB.md): an application, the checks that decide pass or fail, the worlds
/// to run it in and the events to inflict on it. Parsed and validated by <see cref="ScenarioReader"/>; nothing here
/// does I/O.
/// </summary>
/// <param name="SourcePath">The scenario file, full path; relative application files are resolved from its directory.</param>
/// <param name="Expect">The verdict the scenario predicts, in words (the built-in examples say what the talk predicts).</param>
/// <param name="Hosts">Lab hosts (daemons) the lab starts: 1, or 2 when a <c>migrate</c> event moves the guest.</param>
public sealed record Scenario(
    string Name,
    string? Description,
    string? Expect,
    string SourcePath,
    AppSpec App,
    IReadOnlyList<CheckSpec> Checks,
    WorldsSpec Worlds,
    IReadOnlyList<EventSpec> Events,
    int Hosts,
    DowntimeSpec? Downtime)
{
    public string Directory => Path.GetDirectoryName(SourcePath)!;

    /// <summary>Where each value was written (for problems found after reading: missing files, unknown CPU models).</summary>
    public ScenarioPositions Positions { get; init; } = ScenarioPositions.Empty;
}
