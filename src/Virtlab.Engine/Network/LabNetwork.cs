using System.Diagnostics;

namespace Virtlab.Engine.Network;

/// <summary>
/// The host side of a guest NIC: the bridge must exist in the daemon's network namespace, and the tap QEMU creates
/// is put on it with iproute2 (<c>ip link set dev TAP master BRIDGE up</c>, an argv, never a shell).
/// scripts/labnet.sh builds the lab network: a bridge per host, each host in its own network namespace if wanted.
/// </summary>
public static class LabNetwork
{
    private static readonly string[] IpPaths = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"];

    public static bool BridgeExists(string bridge) => Directory.Exists($"/sys/class/net/{bridge}/bridge");

    /// <summary>Throws a clear error when the bridge is missing in this daemon's network namespace.</summary>
    public static void EnsureBridge(string bridge)
    {
        if (!BridgeExists(bridge))
        {
            throw new VirtlabException(
                ErrorKind.InvalidState,
                $"the bridge '{bridge}' does not exist on this host (in this daemon's network namespace): create the lab network with 'scripts/labnet.sh up', " +
                $"or 'ip link add {bridge} type bridge && ip link set {bridge} up'");
        }
    }

    /// <summary>Puts <paramref name="tap"/> on <paramref name="bridge"/> and brings it up.</summary>
    public static async Task AttachAsync(string tap, string bridge, CancellationToken cancellationToken)
    {
        var ip = IpPaths.FirstOrDefault(File.Exists)
            ?? throw new VirtlabException(ErrorKind.Unsupported, "iproute2's 'ip' was not found: install the iproute2 package");
        var psi = new ProcessStartInfo(ip) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "link", "set", "dev", tap, "master", bridge, "up" })
        {
            psi.ArgumentList.Add(a);
        }

        using var p = System.Diagnostics.Process.Start(psi) ?? throw new VirtlabException(ErrorKind.Internal, $"could not run {ip}");
        var stderr = p.StandardError.ReadToEndAsync(cancellationToken);
        await p.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (p.ExitCode != 0)
        {
            throw new VirtlabException(ErrorKind.QemuError, $"could not put the guest's tap {tap} on the bridge {bridge}: {(await stderr.ConfigureAwait(false)).Trim()}");
        }
    }
}
