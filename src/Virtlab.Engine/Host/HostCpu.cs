using System.Globalization;
using Virtlab.Api;

namespace Virtlab.Engine.Host;

/// <summary>The host CPU as /proc/cpuinfo describes its first processor.</summary>
public static class HostCpu
{
    public static HostCpuInfo Read(string cpuinfoPath = "/proc/cpuinfo") => Parse(File.ReadLines(cpuinfoPath));

    /// <summary>Parses the first processor of a /proc/cpuinfo text (the host's, or a guest's read through its agent).</summary>
    public static HostCpuInfo Parse(IEnumerable<string> cpuinfoLines)
    {
        ArgumentNullException.ThrowIfNull(cpuinfoLines);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in cpuinfoLines)
        {
            if (line.Trim().Length == 0)
            {
                if (fields.Count > 0)
                {
                    break;
                }

                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                fields.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
            }
        }

        return new HostCpuInfo(
            fields.GetValueOrDefault("vendor_id", "?"),
            fields.GetValueOrDefault("model name", "?"),
            Int(fields, "cpu family"),
            Int(fields, "model"),
            Int(fields, "stepping"),
            fields.GetValueOrDefault("flags", string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    private static int Int(Dictionary<string, string> f, string key) =>
        f.TryGetValue(key, out var v) && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : -1;
}
