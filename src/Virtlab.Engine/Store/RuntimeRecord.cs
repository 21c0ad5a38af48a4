namespace Virtlab.Engine.Store;

/// <summary>What the daemon persists about a running VM, enough to find it again after a restart.</summary>
public sealed record RuntimeRecord(
    string Name,
    int Pid,
    long PidStartTicks,
    string RunDir,
    string Accel,
    string AccelReason,
    string QemuVersion,
    DateTimeOffset StartedAt);
