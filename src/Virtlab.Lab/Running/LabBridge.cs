using System.Diagnostics;

namespace Virtlab.Lab.Running;

/// <summary>
/// The lab's own network, made when a scenario needs to reach its guests from outside (a <c>tcp_echo</c> check, the
/// ping trace of a migration): a bridge <c>vll0</c> on this machine with 10.79.0.1/24, and guest N at 10.79.0.(100+N).
/// The guests keep their address when they migrate between the lab hosts (both daemons put their taps on this bridge).
/// The bridge is left up for the next run (making it needs root; it carries only lab traffic).
/// </summary>
internal static class LabBridge
{
    public const string Bridge = "vll0";
    private const string Subnet = "10.79.0";
    private static readonly string[] IpPaths = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"];

    /// <summary>Guest <paramref name="number"/>'s address and the --network spec that gives it.</summary>
    public static (string Address, string Spec) Guest(int number)
    {
        var address = $"{Subnet}.{100 + (number % 150)}";
        return (address, $"bridge={Bridge},ip={address}/24");
    }

    public static async Task EnsureAsync(CancellationToken ct)
    {
        if (Directory.Exists($"/sys/class/net/{Bridge}/bridge"))
        {
            return;
        }

        if (Environment.UserName != "root")
        {
            throw new LabWorldException($"this scenario reaches its guests over the lab network (a tcp_echo check), which needs a bridge: run the lab as root, or create it once with 'ip link add {Bridge} type bridge && ip addr add {Subnet}.1/24 dev {Bridge} && ip link set {Bridge} up'");
        }

        await IpAsync(["link", "add", Bridge, "type", "bridge"], ct).ConfigureAwait(false);
        await IpAsync(["addr", "add", $"{Subnet}.1/24", "dev", Bridge], ct).ConfigureAwait(false);
        await IpAsync(["link", "set", Bridge, "up"], ct).ConfigureAwait(false);
    }

    private static async Task IpAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        var ip = IpPaths.FirstOrDefault(File.Exists) ?? throw new LabWorldException("iproute2's 'ip' was not found: install the iproute2 package");
        var psi = new ProcessStartInfo(ip) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi) ?? throw new LabWorldException($"could not run {ip}");
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct).ConfigureAwait(false);
        if (p.ExitCode != 0)
        {
            throw new LabWorldException($"could not make the lab network ('ip {string.Join(' ', args)}'): {(await stderr.ConfigureAwait(false)).Trim()}");
        }
    }
}
