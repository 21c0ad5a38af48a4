using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Virtlab.Qmp;

/// <summary>Framing layer, outbound: writes one JSON object per line. Writers are serialized so concurrent
/// commands never interleave bytes on the socket.</summary>
internal sealed class JsonLineWriter
{
    private readonly Stream _stream;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public JsonLineWriter(Stream stream)
    {
        _stream = stream;
    }

    /// <summary>Writes <paramref name="message"/> and a newline. The token only cancels the wait for the write
    /// gate: once bytes start to go out the line is finished, so the stream never holds half a message.</summary>
    public async Task WriteAsync(JsonObject message, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            message.WriteTo(writer);
        }

        buffer.Write("\n"u8);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await _stream.WriteAsync(buffer.WrittenMemory, CancellationToken.None);
            await _stream.FlushAsync(CancellationToken.None);
        }
        finally
        {
            _gate.Release();
        }
    }
}
