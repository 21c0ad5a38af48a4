namespace Virtlab.Qmp;

/// <summary>Reply of <c>query-status</c>.</summary>
/// <param name="Status">QEMU's run state, e.g. <c>prelaunch</c>, <c>running</c>, <c>paused</c>, <c>postmigrate</c>, <c>shutdown</c>.</param>
/// <param name="Running">Whether the vCPUs are running.</param>
public sealed record StatusInfo(string Status, bool Running);
