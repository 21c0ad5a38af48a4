using System.Text.Json.Serialization;

namespace Virtlab.Qga;

/// <summary>Reply of <c>guest-exec-status</c>. Output is base64, as on the wire.</summary>
/// <param name="Exited">The process has ended.</param>
/// <param name="ExitCode">Its exit code, when it exited normally.</param>
/// <param name="Signal">The signal that killed it, if one did.</param>
/// <param name="OutData">Captured stdout, base64 (null when none or not captured).</param>
/// <param name="ErrData">Captured stderr, base64.</param>
/// <param name="OutTruncated">The agent cut stdout short.</param>
/// <param name="ErrTruncated">The agent cut stderr short.</param>
public sealed record GuestExecStatus(
    bool Exited,
    [property: JsonPropertyName("exitcode")] int? ExitCode = null,
    int? Signal = null,
    string? OutData = null,
    string? ErrData = null,
    bool? OutTruncated = null,
    bool? ErrTruncated = null);
