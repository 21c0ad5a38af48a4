namespace Virtlab.Qga;

/// <summary>Outcome of <see cref="GuestAgentClient.RunAsync"/>: a finished guest program with decoded output.</summary>
/// <param name="ExitCode">The exit code; when a signal killed the program, 128 + the signal number (as shells report it).</param>
/// <param name="Stdout">Standard output, decoded as UTF-8.</param>
/// <param name="Stderr">Standard error, decoded as UTF-8.</param>
public sealed record GuestExecResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The signal that killed the program, or null if it exited by itself.</summary>
    public int? Signal { get; init; }

    /// <summary>The agent truncated stdout or stderr.</summary>
    public bool OutputTruncated { get; init; }
}
