using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Virtlab.Api;

namespace Virtlab.Cli.Commands;

/// <summary>capabilities and version.</summary>
internal static class CapabilitiesCommands
{
    public static Command Capabilities()
    {
        var json = CommandRunner.JsonOption();
        var cmd = new Command("capabilities", "what this host can do: CPU, QEMU and its known defects, accelerator, CPU models, guest image") { json };
        cmd.Handle(async (p, client, ct) =>
        {
            var caps = await client.GetAsync("v1/capabilities", ApiJsonContext.Default.CapabilitiesInfo, ct).ConfigureAwait(false);
            System.Console.Write(p.GetValue(json) ? JsonSerializer.Serialize(caps, ApiJsonContext.Default.CapabilitiesInfo) + "\n" : VirshFormat.Capabilities(caps));
        });
        return cmd;
    }

    public static Command Version()
    {
        var json = CommandRunner.JsonOption();
        var cmd = new Command("version", "versions of Virtlab and the hypervisor") { json };
        cmd.Handle(async (p, client, ct) =>
        {
            var v = await client.GetAsync("v1/version", ApiJsonContext.Default.VersionInfo, ct).ConfigureAwait(false);
            if (p.GetValue(json))
            {
                System.Console.WriteLine(JsonSerializer.Serialize(v, ApiJsonContext.Default.VersionInfo));
                return;
            }

            System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Compiled against library: Virtlab {v.Virtlab}"));
            System.Console.WriteLine($"Using library: Virtlab {v.Virtlab}");
            System.Console.WriteLine("Using API: Virtlab v1 (HTTP/JSON on the daemon socket)");
            System.Console.WriteLine($"Running hypervisor: QEMU {v.Qemu}");
            System.Console.WriteLine($"Running daemon: virtlabd pid {v.DaemonPid}, home {v.Home}");
        });
        return cmd;
    }
}
