using System.Diagnostics;

namespace Virtlab.IntegrationTests.Infrastructure;

/// <summary>
/// A lab network for a test (scripts/labnet.sh with its own prefix and subnet): a bridge on this machine at
/// SUBNET.1 and two (or more) Virtlab hosts, each in its own network namespace at SUBNET.11 and SUBNET.12 with a bridge of
/// the same name for its guests. Torn down on dispose. Needs root (CAP_NET_ADMIN): locally it skips without it.
/// </summary>
public sealed class LabNet : IDisposable
{
    public const string Prefix = "vlt";
    public const string Subnet = "10.78.0";

    private LabNet(int hosts)
    {
        Run("up", "--hosts", hosts.ToString(System.Globalization.CultureInfo.InvariantCulture), "--subnet", Subnet, "--prefix", Prefix);
    }

    /// <summary>This machine's address on the lab network (the bridge), where the hosts reach what runs outside them (etcd).</summary>
    public static string OutsideAddress => $"{Subnet}.1";

    /// <summary>The bridge guests join on every host.</summary>
    public static string Bridge => Prefix + "0";

    public static string HostAddress(int host) => $"{Subnet}.{10 + host}";

    public static LabNet Up(int hosts = 2)
    {
        Requirements.QemuAndImage();
        if (Environment.UserName != "root")
        {
            if (Requirements.InCi)
            {
                Assert.Fail("CI=true and the lab network needs root (network namespaces, bridges)");
            }

            Assert.Skip("the lab network needs root (network namespaces, bridges)");
        }

        return new LabNet(hosts);
    }

    /// <summary>The argv that runs a command on lab host <paramref name="host"/>.</summary>
    public static string[] OnHost(int host, params string[] command) =>
        [Script, "exec", "--prefix", Prefix, host.ToString(System.Globalization.CultureInfo.InvariantCulture), .. command];

    /// <summary>Pulls lab host <paramref name="host"/>'s cable: its veth goes down on this machine's side.</summary>
    public static void Unplug(int host) => Ip("link", "set", $"{Prefix}-h{host}", "down");

    public static void Plug(int host) => Ip("link", "set", $"{Prefix}-h{host}", "up");

    public void Dispose() => Run("down", "--prefix", Prefix);

    private static string Script => Path.Combine(Requirements.RepoRoot, "scripts", "labnet.sh");

    private static void Ip(params string[] args) => Exec("ip", args);

    private static void Run(params string[] args) => Exec(Script, args);

    private static void Exec(string program, string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{Path.GetFileName(program)} {string.Join(' ', args)} failed: {err}");
    }
}
