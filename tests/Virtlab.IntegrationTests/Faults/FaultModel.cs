namespace Virtlab.IntegrationTests.Faults;

/// <summary>The operations of the fault matrix (its rows), in the order a column runs them.</summary>
public enum FaultOperation
{
    Create,
    Start,
    Shutdown,
    SetvcpusUp,
    SetvcpusDown,
    SetmemUp,
    SetmemDown,
    MigrateOut,
    MigrateIn,
}

/// <summary>The faults of the fault matrix (its columns). Every fault is injected on host A, the host under test.</summary>
public enum FaultKind
{
    QemuKilled,
    QemuStopped,
    AgentHung,
    DaemonKilled,
    DiskFull,
    DatabaseLocked,
}

/// <summary>One cell's verdict: pass, FAIL or n/a, and what the user saw.</summary>
public sealed record FaultCellResult(FaultOperation Operation, FaultKind Fault, string Verdict, string Note, double Seconds)
{
    public bool Failed => Verdict == "FAIL";
}

public static class FaultNames
{
    public static string Of(FaultOperation op) => op switch
    {
        FaultOperation.Create => "create",
        FaultOperation.Start => "start",
        FaultOperation.Shutdown => "shutdown",
        FaultOperation.SetvcpusUp => "setvcpus 1→2",
        FaultOperation.SetvcpusDown => "setvcpus 2→1",
        FaultOperation.SetmemUp => "setmem 256M→512M (DIMM plug)",
        FaultOperation.SetmemDown => "setmem 512M→256M (DIMM unplug)",
        FaultOperation.MigrateOut => "migrate out (A→B)",
        FaultOperation.MigrateIn => "migrate in (B→A)",
        _ => op.ToString(),
    };

    public static string Of(FaultKind fault) => fault switch
    {
        FaultKind.QemuKilled => "QEMU SIGKILL",
        FaultKind.QemuStopped => "QEMU SIGSTOP (QMP hangs)",
        FaultKind.AgentHung => "guest agent SIGSTOP",
        FaultKind.DaemonKilled => "daemon SIGKILL",
        FaultKind.DiskFull => "state dir full (tmpfs)",
        FaultKind.DatabaseLocked => "state.db locked (BEGIN EXCLUSIVE)",
        _ => fault.ToString(),
    };

    /// <summary>Words one of which an error caused by the fault must contain to say what happened.</summary>
    public static string ErrorWords(FaultKind fault) => fault switch
    {
        FaultKind.QemuKilled => "exited|crashed|not running|QEMU|gone|died|connection|closed|migration .* failed",
        FaultKind.QemuStopped => "did not answer|not answer|timed out|timeout|within|respond|unresponsive",
        FaultKind.AgentHung => "agent",
        FaultKind.DaemonKilled => "daemon|connection|closed|reset|lost|ended|reach",
        FaultKind.DiskFull => "space|disk|full",
        FaultKind.DatabaseLocked => "locked|busy|database|state",
        _ => ".",
    };
}
