using CsCheck;
using Virtlab.Fuzz.Tests.Harness;
using Virtlab.Fuzz.Tests.Seeds;
using Virtlab.Qga;

namespace Virtlab.Fuzz.Tests.Targets;

/// <summary>
/// The guest-agent reader as the client uses it: the agent's lines (0xFF resync delimiter stripped, blank lines
/// skipped), each parsed as a JSON object or discarded, read as a sync answer, matched against the pending request's
/// id (a stale id is not a match) and, when it matches, taken apart (an error reply becomes a GuestAgentCommandException).
/// Documented: <see cref="GuestAgentException"/> (and the line reader's <see cref="InvalidDataException"/> for an
/// oversized line, which the client turns into a GuestAgentException).
/// Also a property of the resync: whatever garbage comes first, a line ending in 0xFF and the sync answer yields that answer.
/// </summary>
public static class GuestAgentReaderTarget
{
    public const int MaxLineBytes = 64 * 1024;

    /// <summary>The id of the request the reader waits for; the seeds' replies carry other (stale) ids too.</summary>
    public const string PendingId = "vl-3";

    private const long SyncId = 4242;

    private static readonly byte[] SyncReply = [0xFF, .. """{"return": 4242}"""u8, (byte)'\n'];

    private static readonly Gen<byte[]> Session =
        Gen.Int[0, Recorded.Qga.Count - 1].Array[1, 5].Select(picks => picks.SelectMany(i => Recorded.Qga[i].Append((byte)'\n')).ToArray());

    private static readonly Gen<byte[]> Garbage = Gen.Frequency(
        (10, Session.SelectMany(s => Mutations.Mutated([s]))),
        (4, Mutations.Mutated(Recorded.Qga)),
        (2, Mutations.RandomBytes),
        (1, Mutations.DeepJson),
        (1, Mutations.LongLine(MaxLineBytes - 16, MaxLineBytes + 4096)));

    /// <summary>Half of the inputs end in a delimited sync answer (the resync property is checked on those).</summary>
    private static readonly Gen<byte[]> Inputs =
        Gen.Select(Garbage, Gen.Bool).Select((garbage, resync) => resync ? [.. garbage, .. SyncReply] : garbage);

    public static FuzzTarget<byte[]> Target { get; } = new(
        "guest-agent reader (0xFF resync, stale ids)",
        Inputs,
        Read,
        e => e is GuestAgentException or InvalidDataException,
        Show.Bytes);

    public static void Read(byte[] input)
    {
        var reader = new AgentLineReader(new MemoryStream(input, writable: false), MaxLineBytes);
        AgentLine? last = null;
        GuestAgentException? firstError = null;
        while (reader.ReadLineAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult() is { } line)
        {
            last = line;
            if (AgentMessages.TryParseObject(line.Json) is not { } message)
            {
                continue;
            }

            _ = AgentMessages.SyncAnswer(message);
            if (AgentMessages.IsReplyTo(message, PendingId))
            {
                try
                {
                    _ = AgentMessages.ReturnValueOrThrow(message, "guest-fuzz");
                }
                catch (GuestAgentException e)
                {
                    // The client would hand this to the caller and resync; the reader goes on.
                    firstError ??= e;
                }
            }
        }

        if (input.AsSpan().EndsWith(SyncReply)
            && (last is not { Delimited: true } || AgentMessages.TryParseObject(last.Json) is not { } sync || AgentMessages.SyncAnswer(sync) != SyncId))
        {
            throw new InvalidOperationException(
                "resync property violated: the input ends in 0xFF {\"return\": 4242} but the last line read was "
                + (last is null ? "none" : AgentMessages.Preview(last.Json)));
        }

        if (firstError is not null)
        {
            throw firstError;
        }
    }
}
