namespace Virtlab.Lab.Scenarios;

/// <summary>
/// <c>virtlab lab downtime</c>: "know the max_downtime for your application". The lab bisects over pause lengths
/// (suspend for D, resume) between <see cref="MinPause"/> and <see cref="MaxPause"/> to <see cref="Resolution"/>, then
/// runs a migration under each of <see cref="MigrationLimits"/>, all in <see cref="World"/>, the stop made
/// <see cref="At"/> after the application started; the largest stop with every check passing is the answer.
/// </summary>
/// <param name="World">The VM world to run in (null: the scenario's first VM world).</param>
public sealed record DowntimeSpec(
    WorldSpec? World,
    TimeSpan At,
    TimeSpan MinPause,
    TimeSpan MaxPause,
    TimeSpan Resolution,
    IReadOnlyList<TimeSpan> MigrationLimits);
