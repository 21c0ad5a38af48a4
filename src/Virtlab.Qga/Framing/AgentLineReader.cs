using Virtlab.Wire;

namespace Virtlab.Qga;

/// <summary>Framing layer, inbound: the agent's lines. A 0xFF byte (never part of UTF-8) is the agent's
/// resync delimiter: whatever came before it on the line is discarded; empty lines are skipped.</summary>
internal sealed class AgentLineReader
{
    private const byte Delimiter = 0xFF;
    private readonly LineReader _lines;

    public AgentLineReader(Stream stream, int maxLineBytes)
    {
        _lines = new LineReader(stream, maxLineBytes);
    }

    /// <summary>Returns the next non-empty line, or null at end of stream.</summary>
    /// <exception cref="InvalidDataException">A line is longer than the limit.</exception>
    public async ValueTask<AgentLine?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (await _lines.ReadLineAsync(cancellationToken) is { } raw)
        {
            var line = raw.Span;
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
        }

        return null;
    }
}
