namespace Virtlab.Wire;

/// <summary>
/// Framing, inbound: splits a byte stream into newline-terminated lines, for the two
/// newline-delimited JSON protocols Virtlab speaks (QMP and the guest agent). One reader at a
/// time; the returned memory is valid until the next call.
/// </summary>
public sealed class LineReader
{
    private readonly Stream _stream;
    private readonly int _maxLineBytes;
    private byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    public LineReader(Stream stream, int maxLineBytes)
    {
        _stream = stream;
        _maxLineBytes = maxLineBytes;
    }

    /// <summary>Returns the next line without its '\n', or null at end of stream (a partial last line is dropped).</summary>
    /// <exception cref="InvalidDataException">A line is longer than the limit.</exception>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var scanFrom = _start;
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', scanFrom, _end - scanFrom);
            if (newline >= 0)
            {
                var line = _buffer.AsMemory(_start, newline - _start);
                _start = newline + 1;
                return line;
            }

            if (_end - _start > _maxLineBytes)
            {
                throw new InvalidDataException($"a message exceeds {_maxLineBytes} bytes without a newline");
            }

            scanFrom = MakeRoom(_end);
            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }

            _end += read;
        }
    }

    /// <summary>Compacts or grows the buffer so there is free space at its end; returns the adjusted scan position.</summary>
    private int MakeRoom(int scanFrom)
    {
        if (_end < _buffer.Length)
        {
            return scanFrom;
        }

        var pending = _end - _start;
        var target = pending * 2 <= _buffer.Length ? _buffer : new byte[_buffer.Length * 2];
        Buffer.BlockCopy(_buffer, _start, target, 0, pending);
        _buffer = target;
        scanFrom -= _start;
        _start = 0;
        _end = pending;
        return scanFrom;
    }
}
