using System.Globalization;

namespace Virtlab.Engine.Guest;

/// <summary>The guest's own memory figures, read from its /proc/meminfo through the agent (KiB).</summary>
public sealed record GuestMemInfo(long MemTotalKiB, long MemFreeKiB, long MemAvailableKiB)
{
    /// <summary>Parses /proc/meminfo text; null when MemTotal or MemAvailable is missing.</summary>
    public static GuestMemInfo? Parse(string text)
    {
        long? total = null, free = null, available = null;
        foreach (var line in text.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var key = line[..colon];
            var rest = line[(colon + 1)..].Trim();
            var space = rest.IndexOf(' ', StringComparison.Ordinal);
            if (!long.TryParse(space < 0 ? rest : rest[..space], NumberStyles.None, CultureInfo.InvariantCulture, out var kib))
            {
                continue;
            }

            switch (key)
            {
                case "MemTotal": total = kib; break;
                case "MemFree": free = kib; break;
                case "MemAvailable": available = kib; break;
            }
        }

        return total is { } t && available is { } a ? new GuestMemInfo(t, free ?? a, a) : null;
    }
}
