using System.Text;
using CsCheck;
using Virtlab.Fuzz.Tests.Harness;
using Virtlab.Fuzz.Tests.Seeds;
using Virtlab.Qmp;
using Virtlab.Wire;

namespace Virtlab.Fuzz.Tests.Targets;

/// <summary>
/// The QMP reader, as the connection and the client use it: the line reader over the stream, each line parsed as a JSON
/// object, the first taken as the greeting, then events and replies (an error reply becomes a QmpCommandException).
/// Documented: <see cref="QmpException"/> (and the line reader's <see cref="InvalidDataException"/> for an oversized line,
/// which the connection turns into a QmpException).
/// </summary>
public static class QmpReaderTarget
{
    /// <summary>A lower limit than QEMU's 64 MiB default, so that oversized lines are cheap to generate.</summary>
    public const int MaxLineBytes = 64 * 1024;

    private static readonly Gen<byte[]> Session =
        Gen.Select(Gen.Int[0, Recorded.Qmp.Count - 1].Array[0, 6], Gen.Bool).Select((picks, greeting) =>
            Join((greeting ? [Recorded.QmpGreeting] : Array.Empty<byte[]>()).Concat(picks.Select(i => Recorded.Qmp[i]))));

    private static readonly Gen<byte[]> Inputs = Gen.Frequency(
        (12, Session.SelectMany(s => Mutations.Mutated([s]))),
        (4, Mutations.Mutated(Recorded.Qmp)),
        (2, Mutations.RandomBytes),
        (1, Mutations.DeepJson),
        (1, Mutations.LongLine(MaxLineBytes - 16, MaxLineBytes + 4096)));

    public static FuzzTarget<byte[]> Target { get; } = new(
        "QMP reader (greeting, replies, events)",
        Inputs,
        Read,
        e => e is QmpException or InvalidDataException,
        Show.Bytes);

    public static void Read(byte[] input)
    {
        var reader = new LineReader(new MemoryStream(input, writable: false), MaxLineBytes);
        var first = true;
        while (reader.ReadLineAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult() is { } line)
        {
            if (line.Span.Trim(" \t\r"u8).IsEmpty)
            {
                continue;
            }

            var message = QmpMessages.ParseObject(line.Span);
            if (first)
            {
                first = false;
                if (message.ContainsKey("QMP"))
                {
                    _ = QmpMessages.ParseGreeting(message);
                    continue;
                }
            }

            if (QmpMessages.TryParseEvent(message, out var qmpEvent))
            {
                _ = qmpEvent!.ToString();
                continue;
            }

            if (QmpMessages.IsReply(message))
            {
                _ = QmpMessages.ReplyId(message);
                _ = QmpMessages.ReturnValueOrThrow(message, "fuzz");
            }
        }
    }

    private static byte[] Join(IEnumerable<byte[]> lines) =>
        lines.SelectMany(l => l.Append((byte)'\n')).ToArray();
}
