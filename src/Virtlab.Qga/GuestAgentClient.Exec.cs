using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Virtlab.Qga;

/// <summary><c>guest-exec</c> and friends.</summary>
public sealed partial class GuestAgentClient
{
    private static readonly TimeSpan FirstPollDelay = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan PollDelayStep = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxPollDelay = TimeSpan.FromMilliseconds(50);

    /// <summary><c>guest-exec</c>: starts <paramref name="path"/> (a real path such as <c>/bin/sh</c>; no shell is
    /// involved) and returns the guest PID.</summary>
    public async Task<long> ExecAsync(string path, IReadOnlyList<string>? args = null, bool captureOutput = true, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var arguments = new JsonObject { ["path"] = path, ["capture-output"] = captureOutput };
        if (args is { Count: > 0 })
        {
            arguments["arg"] = new JsonArray([.. args.Select(a => (JsonNode?)JsonValue.Create(a))]);
        }

        var value = await ExecuteAsync("guest-exec", arguments, null, cancellationToken);
        return ReadValue<long>((value as JsonObject)?["pid"], "guest-exec");
    }

    /// <summary><c>guest-exec-status</c> of a PID returned by <see cref="ExecAsync"/>. Once it reports
    /// <see cref="GuestExecStatus.Exited"/>, the agent forgets the PID.</summary>
    public Task<GuestExecStatus> ExecStatusAsync(long pid, CancellationToken cancellationToken = default) =>
        ExecuteAsync("guest-exec-status", new JsonObject { ["pid"] = pid }, QgaJsonContext.Default.GuestExecStatus, cancellationToken);

    /// <summary>Runs a guest program to completion: <c>guest-exec</c> with captured output, then
    /// <c>guest-exec-status</c> every 20-50 ms (the gate is free between polls), decoding the base64 output.</summary>
    /// <exception cref="GuestAgentException">Kind <see cref="GuestAgentErrorKind.ExecTimeout"/> if the program has
    /// not exited after <paramref name="timeout"/> (it keeps running in the guest).</exception>
    public async Task<GuestExecResult> RunAsync(string path, IReadOnlyList<string> args, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var start = Stopwatch.GetTimestamp();
        var pid = await ExecAsync(path, args, captureOutput: true, cancellationToken);
        var delay = FirstPollDelay;
        while (true)
        {
            await Task.Delay(delay, cancellationToken);
            var status = await ExecStatusAsync(pid, cancellationToken);
            if (status.Exited)
            {
                return ToResult(status);
            }

            if (Stopwatch.GetElapsedTime(start) >= timeout)
            {
                throw new GuestAgentException(
                    GuestAgentErrorKind.ExecTimeout,
                    $"guest program '{path}' (pid {pid}) did not exit within {Durations.Format(timeout)}; it is still running in the guest");
            }

            delay += PollDelayStep;
            if (delay > MaxPollDelay)
            {
                delay = MaxPollDelay;
            }
        }
    }

    private static GuestExecResult ToResult(GuestExecStatus status)
    {
        var exitCode = status.ExitCode ?? (status.Signal is { } signal ? 128 + signal : -1);
        return new GuestExecResult(exitCode, Decode(status.OutData), Decode(status.ErrData))
        {
            Signal = status.Signal,
            OutputTruncated = status.OutTruncated == true || status.ErrTruncated == true,
        };
    }

    private static string Decode(string? base64)
    {
        if (string.IsNullOrEmpty(base64))
        {
            return string.Empty;
        }

        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        }
        catch (FormatException e)
        {
            throw new GuestAgentException(GuestAgentErrorKind.ProtocolError, "guest-exec-status returned output that is not base64", e);
        }
    }
}
