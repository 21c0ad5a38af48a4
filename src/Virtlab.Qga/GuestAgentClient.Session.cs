using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Virtlab.Qga;

/// <summary>Sync, request/reply matching and the socket reader.</summary>
public sealed partial class GuestAgentClient
{
    /// <summary>Commands the agent carries out without sending a reply on success.</summary>
    private static readonly HashSet<string> NoReplyCommands = new(StringComparer.Ordinal)
    {
        "guest-shutdown", "guest-suspend-disk", "guest-suspend-ram", "guest-suspend-hybrid",
    };

    /// <summary>The least time <see cref="WaitForAgentAsync"/> gives the ping after a late sync.</summary>
    private static readonly TimeSpan MinimumPingTimeout = TimeSpan.FromMilliseconds(500);

    /// <summary>Syncs the session: writes 0xFF and <c>guest-sync-delimited</c> with a fresh random id, and discards
    /// everything (parse errors for the 0xFF, stale replies to earlier requests) until that id comes back.</summary>
    /// <exception cref="GuestAgentException">Kind <see cref="GuestAgentErrorKind.Unresponsive"/> after <paramref name="timeout"/>.</exception>
    public async Task SyncAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ThrowIfClosed("guest-sync-delimited");
            await SyncCoreAsync(
                timeout,
                null,
                t => $"guest agent unresponsive: no answer to guest-sync-delimited within {Durations.Format(t)}",
                cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Waits for the agent of a booting guest on this one connection: resends the sync every
    /// <see cref="GuestAgentOptions.SyncRetryInterval"/> until one is answered (requests written before the agent
    /// started stay queued and are answered later; those earlier syncs are discarded as stale), then <c>guest-ping</c>.</summary>
    /// <exception cref="GuestAgentException">Kind <see cref="GuestAgentErrorKind.Unresponsive"/> after <paramref name="timeout"/>.</exception>
    public async Task WaitForAgentAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var start = Stopwatch.GetTimestamp();
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ThrowIfClosed("guest-sync-delimited");
            await SyncCoreAsync(
                Remaining(start, timeout),
                _options.SyncRetryInterval,
                _ => $"guest agent did not answer within {Durations.Format(timeout)}; is qemu-guest-agent running in the guest?",
                cancellationToken);
            var pingTimeout = Remaining(start, timeout);
            var reply = await RoundTripAsync(
                new JsonObject { ["execute"] = "guest-ping" },
                "guest-ping",
                pingTimeout < MinimumPingTimeout ? MinimumPingTimeout : pingTimeout,
                cancellationToken);
            AgentMessages.ReturnValueOrThrow(reply!, "guest-ping");
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The sync loop; gate held. With <paramref name="resendInterval"/> a new sync goes out at that pace
    /// until the agent answers any of them; then only the latest one counts.</summary>
    private async Task SyncCoreAsync(TimeSpan timeout, TimeSpan? resendInterval, Func<TimeSpan, string> timeoutMessage, CancellationToken cancellationToken)
    {
        _synced = false;
        var drained = 0;
        while (_lines.Reader.TryRead(out _))
        {
            drained++;
        }

        if (drained > 0)
        {
            Log($"guest agent: discarded {drained} unread line(s) before syncing");
        }

        var start = Stopwatch.GetTimestamp();
        var sent = new HashSet<long>();
        var latest = await SendSyncAsync(sent);
        var nextResend = resendInterval ?? TimeSpan.MaxValue;
        var agentAnswered = false;
        while (true)
        {
            var elapsed = Stopwatch.GetElapsedTime(start);
            if (elapsed >= timeout)
            {
                throw new GuestAgentException(GuestAgentErrorKind.Unresponsive, timeoutMessage(timeout));
            }

            var waitUntil = agentAnswered || nextResend > timeout ? timeout : nextResend;
            var line = await ReadLineAsync(waitUntil - elapsed, "guest-sync-delimited", cancellationToken);
            if (line is null)
            {
                if (resendInterval is { } interval && !agentAnswered && Stopwatch.GetElapsedTime(start) < timeout)
                {
                    latest = await SendSyncAsync(sent);
                    nextResend += interval;
                }

                continue;
            }

            if (AgentMessages.TryParseObject(line.Json) is { } message && AgentMessages.SyncAnswer(message) is { } answered)
            {
                if (answered == latest)
                {
                    _synced = true;
                    return;
                }

                if (sent.Contains(answered))
                {
                    agentAnswered = true;
                    Log($"guest agent: discarded the late answer to an earlier sync ({answered})");
                    continue;
                }
            }

            Log($"guest agent: discarded while syncing: {AgentMessages.Preview(line.Json)}");
        }
    }

    private async Task<long> SendSyncAsync(HashSet<long> sent)
    {
        long id;
        do
        {
            id = Random.Shared.NextInt64(1, 1L << 53);
        }
        while (!sent.Add(id));

        var request = new JsonObject
        {
            ["execute"] = "guest-sync-delimited",
            ["arguments"] = new JsonObject { ["id"] = id },
        };
        await WriteAsync(AgentMessages.Serialize(request, delimit: true), "guest-sync-delimited");
        return id;
    }

    /// <summary>One exchange on a synced session; gate held. Returns the reply whose id matches (or, for agents that
    /// do not echo ids, the next id-less reply); null for commands without reply. A timeout or a cancelled wait
    /// marks the session unsynced.</summary>
    private async Task<JsonObject?> RoundTripAsync(JsonObject request, string command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var id = "vl-" + Interlocked.Increment(ref _lastId).ToString(CultureInfo.InvariantCulture);
        request["id"] = id;
        await WriteAsync(AgentMessages.Serialize(request, delimit: false), command);
        if (NoReplyCommands.Contains(command))
        {
            // A failure would still be answered (with an error): resync before the next command to drop it.
            _synced = false;
            return null;
        }

        var start = Stopwatch.GetTimestamp();
        try
        {
            while (true)
            {
                var line = await ReadLineAsync(Remaining(start, timeout), command, cancellationToken);
                if (line is null)
                {
                    _synced = false;
                    throw new GuestAgentException(
                        GuestAgentErrorKind.Unresponsive,
                        $"guest agent unresponsive: '{command}' got no reply within {Durations.Format(timeout)}");
                }

                var message = AgentMessages.TryParseObject(line.Json);
                if (message is not null && AgentMessages.IsReplyTo(message, id))
                {
                    return message;
                }

                Log($"guest agent: discarded a line while waiting for '{command}': {AgentMessages.Preview(line.Json)}");
            }
        }
        catch (OperationCanceledException)
        {
            _synced = false;
            throw;
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                var line = await _reader.ReadLineAsync(_shutdown.Token);
                if (line is null)
                {
                    Close(new GuestAgentException(GuestAgentErrorKind.ConnectionLost, "the guest agent socket closed (QEMU exited?)"));
                    return;
                }

                _lines.Writer.TryWrite(line);
            }
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
            // Closed deliberately.
        }
        catch (InvalidDataException e)
        {
            Close(new GuestAgentException(GuestAgentErrorKind.ProtocolError, $"guest agent framing error: {e.Message}", e));
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            Close(new GuestAgentException(GuestAgentErrorKind.ConnectionLost, $"the guest agent connection failed: {e.Message}", e));
        }
        catch (Exception e)
        {
            // Never leave a waiting command on a dead reader.
            Close(new GuestAgentException(GuestAgentErrorKind.ProtocolError, $"the guest agent reader failed unexpectedly: {e.Message}", e));
        }
    }

    /// <summary>Poisons the client once: waits end with ConnectionLost, later calls fail fast.</summary>
    private void Close(GuestAgentException cause)
    {
        if (Interlocked.CompareExchange(ref _closeReason, cause, null) is not null)
        {
            return;
        }

        Log($"guest agent connection closed: {cause.Message}");
        _lines.Writer.TryComplete(cause);
        _shutdown.Cancel();
        _stream.Dispose();
    }
}
