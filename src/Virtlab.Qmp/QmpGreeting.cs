namespace Virtlab.Qmp;

/// <summary>The greeting QEMU sends on connect: <c>{"QMP": {"version": ..., "capabilities": [...]}}</c>.</summary>
/// <param name="QemuVersion">The QEMU version.</param>
/// <param name="Capabilities">Capabilities QEMU offers (e.g. <c>oob</c>); the client enables none of them.</param>
public sealed record QmpGreeting(QemuVersion QemuVersion, IReadOnlyList<string> Capabilities);
