namespace Virtlab.Qga;

/// <summary>Framing layer, inbound: splits the agent's byte stream into lines. A 0xFF byte (never part of UTF-8)
/// is the agent's resync delimiter: whatever came before it on the line is discarded.</summary>
internal sealed class AgentLineReader
{
    private const byte Delimiter = 0xFF;
    private readonly Stream _stream;
    private readonly int _maxLineBytes;
    private byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    public AgentLineReader(Stream stream, int maxLineBytes)
    {
        _stream = stream;
        _maxLineBytes = maxLineBytes;
    }

    /// <summary>Returns the next non-empty line, or null at end of stream.</summary>
    /// <exception cref="InvalidDataException">A line is longer than the limit.</exception>
    public async ValueTask<AgentLine?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var scanFrom = _start;
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', scanFrom, _end - scanFrom);
            if (newline >= 0)
            {
                var line = _buffer.AsSpan(_start, newline - _start);
                _start = newline + 1;
                scanFrom = _start;
                var delimiter = line.LastIndexOf(Delimiter);
                if (delimiter >= 0)
                {
                    line = line[(delimiter + 1)..];
                }

                line = line.Trim(" \t\r"u8);
                if (!line.IsEmpty)
                {
                    return new AgentLine(line.ToArray(), delimiter >= 0);
                }

                continue;
            }

            if (_end - _start > _maxLineBytes)
            {
                throw new InvalidDataException($"a message exceeds {_maxLineBytes} bytes without a newline");
            }

            scanFrom = MakeRoom(_end);
            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0)
            {
                return null;
            }

            _end += read;
        }
    }

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
