using System.Globalization;

namespace Virtlab.Qga;

/// <summary>Formats timeouts for messages: "30 s", "250 ms".</summary>
internal static class Durations
{
    public static string Format(TimeSpan duration) =>
        duration == Timeout.InfiniteTimeSpan ? "forever"
        : duration.TotalSeconds >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.###} s")
        : string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds:0.###} ms");
}
