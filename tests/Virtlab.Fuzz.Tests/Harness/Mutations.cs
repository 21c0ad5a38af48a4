using System.Text;
using CsCheck;

namespace Virtlab.Fuzz.Tests.Harness;

/// <summary>Generators of fuzz input: real seeds with a few byte- or character-level edits, plus random input.</summary>
public static class Mutations
{
    /// <summary>Bytes and tokens that tend to break parsers of JSON, XML and option lists.</summary>
    private static readonly byte[][] Interesting =
    [
        "\n"u8.ToArray(), "\r\n"u8.ToArray(), [0x00], [0xFF], [0xFF, 0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80], [0xE2, 0x82],
        "{"u8.ToArray(), "}"u8.ToArray(), "["u8.ToArray(), "]"u8.ToArray(), "\""u8.ToArray(), "\\"u8.ToArray(), ","u8.ToArray(), ":"u8.ToArray(), "="u8.ToArray(),
        "null"u8.ToArray(), "true"u8.ToArray(), "-0"u8.ToArray(), "1e999"u8.ToArray(), "-9223372036854775809"u8.ToArray(), "9223372036854775807"u8.ToArray(),
        "18446744073709551616"u8.ToArray(), "0.5"u8.ToArray(), "\"\\ud800\""u8.ToArray(), "\"\\u0000\""u8.ToArray(), "{}"u8.ToArray(), "[]"u8.ToArray(),
        "<"u8.ToArray(), ">"u8.ToArray(), "</"u8.ToArray(), "/>"u8.ToArray(), "&amp;"u8.ToArray(), "&#0;"u8.ToArray(), "&#x110000;"u8.ToArray(), "<!--"u8.ToArray(),
        "<![CDATA["u8.ToArray(), "<!DOCTYPE d [<!ENTITY e \"x\">]>"u8.ToArray(), "&e;"u8.ToArray(), " xmlns:v='https://virtlab.dev/xmlns/domain/1'"u8.ToArray(),
        "+"u8.ToArray(), "-"u8.ToArray(), " "u8.ToArray(), "\t"u8.ToArray(), "/"u8.ToArray(), "."u8.ToArray(), "k"u8.ToArray(), "M"u8.ToArray(), "GiB"u8.ToArray(),
        "E"u8.ToArray(), "999999999999"u8.ToArray(), "0"u8.ToArray(), "é"u8.ToArray(), "€"u8.ToArray(), "😀"u8.ToArray(),
    ];

    /// <summary>One edit: which kind, two positions (taken modulo the length) and a few random bytes.</summary>
    private static readonly Gen<(int Kind, int A, int B, byte[] Bytes)> Edit =
        Gen.Select(Gen.Int[0, 11], Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue], Gen.Byte.Array[1, 8]);

    /// <summary>A seed with 1 to 8 edits (a quarter of them with none: the seed as it is, or spliced).</summary>
    public static Gen<byte[]> Mutated(IReadOnlyList<byte[]> seeds) =>
        Gen.Select(Gen.Int[0, seeds.Count - 1], Gen.Int[0, seeds.Count - 1], Edit.Array[0, 8])
            .Select((a, b, edits) => Apply(seeds[a], seeds[b], edits));

    /// <summary>Text seeds edited at the byte level and decoded back (invalid UTF-8 becomes U+FFFD, as a UTF-8 reader does).</summary>
    public static Gen<string> MutatedText(IReadOnlyList<string> seeds)
    {
        var bytes = seeds.Select(s => Encoding.UTF8.GetBytes(s)).ToList();
        return Mutated(bytes).Select(b => Encoding.UTF8.GetString(b));
    }

    /// <summary>Random bytes, from nothing to 2 KB.</summary>
    public static readonly Gen<byte[]> RandomBytes = Gen.Byte.Array[0, 2048];

    /// <summary>Random text over all of UTF-16 (lone surrogates included), up to 100 characters.</summary>
    public static readonly Gen<string> RandomText =
        Gen.OneOf(Gen.Char.Array[0, 100], Gen.Char["abcXYZ019,=+-._:/ \t\n\0kMGTiB@"].Array[0, 40]).Select(c => new string(c));

    /// <summary>JSON nested 1 to 100,000 levels deep, balanced or cut off.</summary>
    public static readonly Gen<byte[]> DeepJson =
        Gen.Select(Gen.Int[1, 100_000], Gen.Bool, Gen.Bool).Select((depth, arrays, balanced) =>
        {
            var open = arrays ? "[" : "{\"a\":";
            var close = arrays ? "]" : "}";
            var text = new StringBuilder("{\"return\":");
            text.Insert(text.Length, open, depth).Append('1');
            if (balanced)
            {
                text.Insert(text.Length, close, depth).Append('}');
            }

            return Encoding.UTF8.GetBytes(text.Append('\n').ToString());
        });

    /// <summary>XML elements nested 1 to 20,000 levels deep.</summary>
    public static readonly Gen<string> DeepXml =
        Gen.Int[1, 20_000].Select(depth => "<domain type='qemu'><name>d</name>" + string.Concat(Enumerable.Repeat("<x>", depth)) + string.Concat(Enumerable.Repeat("</x>", depth)) + "</domain>");

    /// <summary>1 to 20,000 sibling elements (unknown ones, repeated devices, repeated CPU features) or attributes.</summary>
    public static readonly Gen<string> WideXml =
        Gen.Select(Gen.Int[1, 20_000], Gen.Int[0, 3]).Select((count, kind) => kind switch
        {
            0 => "<domain type='qemu'><name>d</name><devices>" + string.Concat(Enumerable.Repeat("<x/>", count)) + "</devices></domain>",
            1 => "<domain type='qemu'><name>d</name><memory>262144</memory><devices>" + string.Concat(Enumerable.Repeat("<interface type='bridge'><source bridge='v'/></interface>", count)) + "</devices></domain>",
            2 => "<domain type='qemu'><name>d</name><memory>262144</memory><cpu mode='custom'><model>qemu64</model>" + string.Concat(Enumerable.Repeat("<feature name='avx'/>", count)) + "</cpu></domain>",
            _ => "<domain type='qemu' " + string.Join(' ', Enumerable.Range(0, count).Select(i => $"a{i}='1'")) + "><name>d</name></domain>",
        });

    /// <summary>One line of <paramref name="min"/> to <paramref name="max"/> bytes, with or without its newline.</summary>
    public static Gen<byte[]> LongLine(int min, int max) =>
        Gen.Select(Gen.Int[min, max], Gen.Bool).Select((length, newline) =>
        {
            var line = new byte[length + (newline ? 1 : 0)];
            Array.Fill(line, (byte)'a');
            line[0] = (byte)'"';
            if (newline)
            {
                line[^1] = (byte)'\n';
            }

            return line;
        });

    private static byte[] Apply(byte[] seed, byte[] other, (int Kind, int A, int B, byte[] Bytes)[] edits)
    {
        var data = new List<byte>(seed);
        foreach (var (kind, a, b, bytes) in edits)
        {
            var at = data.Count == 0 ? 0 : a % (data.Count + 1);
            var span = data.Count == 0 ? 0 : 1 + (b % Math.Max(1, Math.Min(64, data.Count - Math.Min(at, data.Count - 1))));
            switch (kind)
            {
                case 0 when data.Count > 0: // flip a bit
                    data[at % data.Count] ^= (byte)(1 << (b % 8));
                    break;
                case 1 when data.Count > 0: // overwrite a byte
                    data[at % data.Count] = bytes[0];
                    break;
                case 2: // insert random bytes
                    data.InsertRange(at, bytes);
                    break;
                case 3 or 4: // insert an interesting byte sequence
                    data.InsertRange(at, Interesting[b % Interesting.Length]);
                    break;
                case 5 when data.Count > 0: // delete a range
                    data.RemoveRange(Math.Min(at, data.Count - 1), Math.Min(span, data.Count - Math.Min(at, data.Count - 1)));
                    break;
                case 6 when data.Count > 0: // duplicate a range
                    var start = Math.Min(at, data.Count - 1);
                    data.InsertRange(start, data.GetRange(start, Math.Min(span, data.Count - start)));
                    break;
                case 7: // truncate
                    data.RemoveRange(at, data.Count - at);
                    break;
                case 8: // splice in the start of another seed
                    data.InsertRange(at, other.Take(1 + (b % Math.Max(1, other.Length))));
                    break;
                case 9 when data.Count > 0: // replace a range with an interesting sequence
                    var from = Math.Min(at, data.Count - 1);
                    data.RemoveRange(from, Math.Min(span, data.Count - from));
                    data.InsertRange(from, Interesting[b % Interesting.Length]);
                    break;
                case 10: // repeat an interesting sequence
                    var token = Interesting[b % Interesting.Length];
                    for (var i = 0; i < 1 + (a % 40); i++)
                    {
                        data.InsertRange(at, token);
                    }

                    break;
                default: // swap two bytes
                    if (data.Count > 1)
                    {
                        var j = b % data.Count;
                        (data[at % data.Count], data[j]) = (data[j], data[at % data.Count]);
                    }

                    break;
            }
        }

        return [.. data];
    }
}
