using System.Globalization;
using Virtlab.Api;

namespace Virtlab.Engine.Host;

/// <summary>The host CPU as /proc/cpuinfo describes its first processor.</summary>
public static class HostCpu
{
    public static HostCpuInfo Read(string cpuinfoPath = "/proc/cpuinfo")
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(cpuinfoPath))
        {
            if (line.Length == 0)
            {
                break;
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
