namespace Virtlab.Qga;

/// <summary>The <c>mode</c> of <c>guest-shutdown</c>.</summary>
public enum GuestShutdownMode
{
    /// <summary><c>powerdown</c> (the agent's default).</summary>
    Powerdown,

    /// <summary><c>halt</c>.</summary>
    Halt,

    /// <summary><c>reboot</c>.</summary>
    Reboot,
}
