using Virtlab.Api;
using Virtlab.Engine.Capabilities;
using Virtlab.Engine.Host;

namespace Virtlab.Daemon;

/// <summary>virtlab version and capabilities.</summary>
internal static class CapabilitiesEndpoints
{
    public static void Map(RouteGroupBuilder v1, CapabilitiesService capabilities, VirtlabPaths paths)
    {
        v1.MapGet("/version", () => new VersionInfo(
            typeof(CapabilitiesEndpoints).Assembly.GetName().Version?.ToString(3) ?? "0",
            capabilities.QemuVersionOrProblem(),
            Environment.ProcessId,
            paths.Home));

        v1.MapGet("/capabilities", (CancellationToken ct) => capabilities.CapabilitiesAsync(ct));
    }
}
