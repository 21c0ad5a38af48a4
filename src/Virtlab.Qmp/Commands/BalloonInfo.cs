namespace Virtlab.Qmp;

/// <summary>Reply of <c>query-balloon</c>.</summary>
/// <param name="Actual">The guest's current memory size in bytes, as the balloon driver reports it.</param>
public sealed record BalloonInfo(long Actual);
