using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Virtlab.Api;

namespace Virtlab.Cli.Commands;

internal static class InfoCommands
{
    public static Command List()
    {
        var all = new Option<bool>("--all") { Description = "include shut-off domains" };
        var json = CommandRunner.JsonOption();
        var cmd = new Command("list", "list domains") { all, json };
        cmd.Handle(async (p, client, ct) =>
        {
            var list = await client.GetAsync($"v1/domains?all={(p.GetValue(all) ? "true" : "false")}", ApiJsonContext.Default.IReadOnlyListDomainSummary, ct).ConfigureAwait(false);
            if (p.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(list, ApiJsonContext.Default.IReadOnlyListDomainSummary));
                return;
            }

            Console.Write(VirshFormat.List(list));
        });
        return cmd;
    }

    public static Command DomInfo()
    {
        var name = new Argument<string>("NAME");
        var json = CommandRunner.JsonOption();
        var cmd = new Command("dominfo", "domain information, as virsh dominfo (plus the accelerator and why)") { name, json };
        cmd.Handle(async (p, client, ct) =>
        {
            var info = await client.GetAsync($"v1/domains/{Uri.EscapeDataString(p.GetValue(name)!)}", ApiJsonContext.Default.DomainInfo, ct).ConfigureAwait(false);
            Console.Write(p.GetValue(json) ? JsonSerializer.Serialize(info, ApiJsonContext.Default.DomainInfo) + "\n" : VirshFormat.DomInfo(info));
        });
        return cmd;
    }

    public static Command DumpXml()
    {
        var name = new Argument<string>("NAME");
        var cmd = new Command("dumpxml", "the domain's libvirt XML") { name };
        cmd.Handle(async (p, client, ct) =>
        {
            var xml = await client.GetAsync($"v1/domains/{Uri.EscapeDataString(p.GetValue(name)!)}/xml", ApiJsonContext.Default.TextReply, ct).ConfigureAwait(false);
            Console.WriteLine(xml.Text.TrimEnd());
        });
        return cmd;
    }

    public static Command ConsoleLog()
    {
        var name = new Argument<string>("NAME");
        var log = new Option<bool>("--log") { Description = "print the serial console log (the interactive console is not supported)" };
        var cmd = new Command("console", "the domain's serial console") { name, log };
        cmd.Handle(async (p, client, ct) =>
        {
            if (!p.GetValue(log))
            {
                throw new CliException("the interactive console is not supported: use 'virtlab console NAME --log' to print the console log");
            }

            var text = await client.GetAsync($"v1/domains/{Uri.EscapeDataString(p.GetValue(name)!)}/console", ApiJsonContext.Default.TextReply, ct).ConfigureAwait(false);
            System.Console.Write(text.Text);
        });
        return cmd;
    }

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
