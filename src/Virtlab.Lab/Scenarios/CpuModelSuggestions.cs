namespace Virtlab.Lab.Scenarios;

/// <summary>The known CPU model names closest to one that is not known ("Nehalm" → Nehalem, Nehalem-v1, ...).</summary>
internal static class CpuModelSuggestions
{
    public static IReadOnlyList<string> Closest(string name, IEnumerable<string> known, int count = 3)
    {
        var wanted = name.ToLowerInvariant();
        return [.. known
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(k => (Name: k, Distance: Distance(wanted, k.ToLowerInvariant())))
            .Where(k => k.Distance <= Math.Max(2, wanted.Length / 3)
                        || k.Name.StartsWith(name, StringComparison.OrdinalIgnoreCase)
                        || (wanted.Length >= 3 && k.Name.Contains(name, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(k => k.Distance)
            .ThenBy(k => k.Name, StringComparer.OrdinalIgnoreCase)
            .Take(count)
            .Select(k => k.Name)];
    }

    /// <summary>Levenshtein distance.</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
