using System.Globalization;
using System.Text;

namespace Virtlab.Fuzz.Tests.Harness;

/// <summary>What one parser did with its generated inputs.</summary>
public sealed class FuzzResult(string parser, ulong seed)
{
    public string Parser { get; } = parser;

    public ulong Seed { get; } = seed;

    public long Tried { get; set; }

    public long Accepted { get; set; }

    public long Crashes { get; set; }

    public long Hangs { get; set; }

    public long MemoryOverruns { get; set; }

    public TimeSpan Elapsed { get; set; }

    public TimeSpan Slowest { get; set; }

    /// <summary>Rejections by the class of their message (numbers and quoted values folded).</summary>
    public SortedDictionary<string, long> Rejected { get; } = new(StringComparer.Ordinal);

    /// <summary>The first few failures: input index, what happened, the input.</summary>
    public List<string> Failures { get; } = [];

    public long RejectedTotal => Rejected.Values.Sum();

    public bool Passed => Crashes == 0 && Hangs == 0 && MemoryOverruns == 0;

    public void Reject(string messageClass) =>
        Rejected[messageClass] = Rejected.TryGetValue(messageClass, out var n) ? n + 1 : 1;

    public void Fail(long index, string what, string input)
    {
        if (Failures.Count < 5)
        {
            Failures.Add(string.Create(CultureInfo.InvariantCulture, $"input #{index} (seed {Seed}): {what}\n    input: {input}"));
        }
    }

    /// <summary>For an assertion message: the counts and the failures.</summary>
    public string Describe()
    {
        var text = new StringBuilder(string.Create(
            CultureInfo.InvariantCulture,
            $"{Parser}: {Tried} tried, {Accepted} accepted, {RejectedTotal} rejected, {Crashes} crashes, {Hangs} hangs, {MemoryOverruns} over the memory bound"));
        foreach (var f in Failures)
        {
            text.Append('\n').Append(f);
        }

        return text.ToString();
    }
}
