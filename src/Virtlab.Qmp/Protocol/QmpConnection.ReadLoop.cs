using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Virtlab.Qmp;

internal sealed partial class QmpConnection
{
    /// <summary>The only reader of the socket. Routes replies to their pending command and events to the
    /// dispatcher's queue; does nothing else, so nothing a caller does can stall it.</summary>
    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                var line = await _reader.ReadLineAsync(_shutdown.Token);
                if (line is not { } bytes)
                {
                    Close(new QmpException(QmpErrorKind.ConnectionLost, "QEMU closed the QMP connection (the process has probably exited)"));
                    return;
                }

                if (bytes.Span.Trim(" \t\r"u8).IsEmpty)
                {
                    continue;
                }

                Route(QmpMessages.ParseObject(bytes.Span));
            }
        }
        catch (QmpException e)
        {
            Close(e);
        }
        catch (InvalidDataException e)
        {
            Close(new QmpException(QmpErrorKind.ProtocolError, $"QMP framing error: {e.Message}", e));
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
            // Closed deliberately; the close reason is already set.
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            Close(new QmpException(QmpErrorKind.ConnectionLost, $"the QMP connection failed: {e.Message}", e));
        }
        catch (Exception e)
        {
            // Never leave pending commands waiting on a dead reader.
            Close(new QmpException(QmpErrorKind.ProtocolError, $"the QMP reader failed unexpectedly: {e.Message}", e));
        }
    }

    private void Route(JsonObject message)
    {
        if (QmpMessages.TryParseEvent(message, out var qmpEvent))
        {
            _dispatcher.Post(qmpEvent!);
            return;
        }

        if (!QmpMessages.IsReply(message))
        {
            Log($"ignored a QMP message that is neither a reply nor an event: {QmpMessages.Preview(message)}");
            return;
        }

        var id = QmpMessages.ReplyId(message);
        if (id is not null && _pending.TryRemove(id, out var pending))
        {
            pending.Reply.TrySetResult(message);
            return;
        }

        Log($"ignored a QMP reply with unknown id {message["id"]?.ToJsonString() ?? "(none)"} (late reply to a timed-out or cancelled command?): {QmpMessages.Preview(message)}");
    }
}
