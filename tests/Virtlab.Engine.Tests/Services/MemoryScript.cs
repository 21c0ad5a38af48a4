using System.Text.Json.Nodes;

namespace Virtlab.Engine.Tests.Services;

/// <summary>A 256 MiB guest with no DIMM, its balloon at 256 MiB, and a /proc/meminfo with 180 MiB available.</summary>
internal static class MemoryScript
{
    public static void Script(FakeDomainHost host)
    {
        host.Reply("query-memory-size-summary", new JsonObject { ["base-memory"] = 256L << 20, ["plugged-memory"] = 0 });
        host.Reply("query-balloon", new JsonObject { ["actual"] = 256L << 20 });
        host.Reply("query-memory-devices", new JsonArray());
        host.Guest.Program("/bin/cat", args => args is ["/proc/meminfo"]
            ? (0, "MemTotal:         230000 kB\nMemFree:          150000 kB\nMemAvailable:     184320 kB\n")
            : (1, string.Empty));
    }
}
