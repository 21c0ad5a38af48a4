using System.Globalization;

namespace Virtlab.Engine.Hotplug;

/// <summary>virsh's CPU list syntax: <c>1</c>, <c>1-3</c>, <c>0,2-3</c>.</summary>
public static class CpuList
{
    /// <summary>Parses a CPU list; null and an error message when it is not one.</summary>
    public static IReadOnlyList<long>? TryParse(string text, out string? error)
    {
        var ids = new SortedSet<long>();
        error = null;
        foreach (var part in (text ?? string.Empty).Split(',', StringSplitOptions.TrimEntries))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var ok = dash < 0
                ? long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var single) && ids.Add(single) | true
                : long.TryParse(part[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var from)
                  && long.TryParse(part[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var to)
                  && from <= to && to - from < 4096 && AddRange(ids, from, to);
            if (!ok)
            {
                error = $"'{text}' is not a CPU list: give logical CPU ids such as 1, 1-3 or 0,2-3";
                return null;
            }
        }

        return ids.ToList();
    }

    private static bool AddRange(SortedSet<long> ids, long from, long to)
    {
        for (var i = from; i <= to; i++)
        {
            ids.Add(i);
        }

        return true;
    }
}
