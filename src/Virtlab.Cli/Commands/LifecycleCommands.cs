using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Virtlab.Api;

namespace Virtlab.Cli.Commands;

/// <summary>create, define, start, shutdown, destroy, undefine, list, dominfo, dumpxml, console: a domain's life in virsh's words.</summary>
internal static class LifecycleCommands
{
    public static Command Create()
    {
        var name = new Argument<string>("NAME") { Description = "domain name: letters, digits, '.', '_', '-'" };
        var vcpus = new Option<string?>("--vcpus") { Description = "N[,maxvcpus=M]: vCPUs at start and the hot-plug ceiling" };
        var memory = new Option<string?>("--memory") { Description = "SIZE[,maxmemory=SIZE], e.g. 256M or 1G,maxmemory=4G (a bare number is MiB)" };
        var cpu = new Option<string?>("--cpu") { Description = "CPU model[,+feature,-feature], host-passthrough or host-model" };
        var image = new Option<string?>("--image") { Description = "default, or a directory with vmlinux|vmlinuz and initrd.img" };
        var accel = new Option<string?>("--accel") { Description = "auto (default), kvm or tcg" };
        var pmu = new Option<string?>("--pmu") { Description = "on|off: the virtual PMU (QEMU's pmu=; only KVM gives one)" };
        var network = new Option<string?>("--network")
        {
            Description = "bridge=NAME[,ip=A.B.C.D/N][,mac=52:54:00:xx:xx:xx]: a virtio NIC on a host bridge, e.g. bridge=vlab0,ip=10.77.0.100/24 (no mac: a random one; no /N: /24)",
        };
        var waitAgent = WaitAgentOption();
        var cluster = new Option<bool>("--cluster") { Description = "in a cluster: run it on the host placement chooses (CPU model, memory, cores, load)" };
        var host = new Option<string?>("--host") { Description = "in a cluster: run it on this host (its id in 'virtlab cluster status')", HelpName = "HOST-ID" };
        var cmd = new Command("create", "define a domain and start it from the default image") { name, vcpus, memory, cpu, image, accel, pmu, network, waitAgent, cluster, host };
        cmd.Handle(async (p, client, ct) =>
        {
            var req = new CreateRequest(
                p.GetValue(name)!, p.GetValue(vcpus), p.GetValue(memory), p.GetValue(cpu), p.GetValue(image), p.GetValue(accel),
                WaitAgentSeconds(p, waitAgent), p.GetValue(pmu), p.GetValue(network), p.GetValue(cluster), p.GetValue(host));
            var info = await client.PostAsync("v1/domains", req, ApiJsonContext.Default.CreateRequest, ApiJsonContext.Default.DomainInfo, ct).ConfigureAwait(false);
            var where = info.ClusterHost is { } h ? $" on host {h}" : string.Empty;
            Console.WriteLine($"Domain '{info.Name}' created and started{where} ({info.Accel}: {info.AccelReason})");
            if (req.WaitAgentSeconds is not null)
            {
                Console.WriteLine("Guest agent is answering");
            }
        });
        return cmd;
    }

    public static Command Define()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "a libvirt domain XML file" };
        var cluster = new Option<bool>("--cluster") { Description = "in a cluster: define it on the host placement chooses (CPU model, memory, cores, load), and in etcd" };
        var host = new Option<string?>("--host") { Description = "in a cluster: define it on this host (its id in 'virtlab cluster status'), and in etcd", HelpName = "HOST-ID" };
        var cmd = new Command("define", "define a domain from libvirt domain XML (a subset; anything unsupported is reported by its path)") { file, cluster, host };
        cmd.Handle(async (p, client, ct) =>
        {
            var f = p.GetValue(file)!;
            if (!f.Exists)
            {
                throw new CliException($"file '{f.FullName}' does not exist");
            }

            var xml = await File.ReadAllTextAsync(f.FullName, ct).ConfigureAwait(false);
            var req = new DefineRequest(xml, p.GetValue(cluster), p.GetValue(host));
            var d = await client.PostAsync("v1/domains/define", req, ApiJsonContext.Default.DefineRequest, ApiJsonContext.Default.DomainSummary, ct).ConfigureAwait(false);
            var where = d.ClusterHost is { } h ? $" on host {h}" : string.Empty;
            Console.WriteLine($"Domain '{d.Name}' defined from {f.Name}{where}");
        });
        return cmd;
    }

    public static Command Start()
    {
        var name = new Argument<string>("NAME");
        var waitAgent = WaitAgentOption();
        var cmd = new Command("start", "start a defined domain") { name, waitAgent };
        cmd.Handle(async (p, client, ct) =>
        {
            var n = p.GetValue(name)!;
            var info = await client.PostAsync($"v1/domains/{Uri.EscapeDataString(n)}/start", new StartRequest(WaitAgentSeconds(p, waitAgent)), ApiJsonContext.Default.StartRequest, ApiJsonContext.Default.DomainInfo, ct).ConfigureAwait(false);
            Console.WriteLine($"Domain '{info.Name}' started ({info.Accel}: {info.AccelReason})");
        });
        return cmd;
    }

    public static Command Shutdown()
    {
        var name = new Argument<string>("NAME");
        var timeout = new Option<int?>("--timeout") { Description = "seconds to wait for the guest to power off (default 60)" };
        var cmd = new Command("shutdown", "gracefully shut down a domain (ACPI power button), waiting until it is off") { name, timeout };
        cmd.Handle(async (p, client, ct) =>
        {
            var n = p.GetValue(name)!;
            await client.PostAsync($"v1/domains/{Uri.EscapeDataString(n)}/shutdown", new ShutdownRequest(p.GetValue(timeout)), ApiJsonContext.Default.ShutdownRequest, ct).ConfigureAwait(false);
            Console.WriteLine($"Domain '{n}' is shut off");
        });
        return cmd;
    }

    public static Command Destroy()
    {
        var name = new Argument<string>("NAME");
        var cmd = new Command("destroy", "stop a domain at once (the guest is not asked)") { name };
        cmd.Handle(async (p, client, ct) =>
        {
            var n = p.GetValue(name)!;
            await client.PostAsync($"v1/domains/{Uri.EscapeDataString(n)}/destroy", ct).ConfigureAwait(false);
            Console.WriteLine($"Domain '{n}' destroyed");
        });
        return cmd;
    }

    public static Command Undefine()
    {
        var name = new Argument<string>("NAME");
        var cmd = new Command("undefine", "remove a shut-off domain's definition") { name };
        cmd.Handle(async (p, client, ct) =>
        {
            var n = p.GetValue(name)!;
            await client.DeleteAsync($"v1/domains/{Uri.EscapeDataString(n)}", ct).ConfigureAwait(false);
            Console.WriteLine($"Domain '{n}' has been undefined");
        });
        return cmd;
    }

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

    private static Option<int?> WaitAgentOption() => new("--wait-agent")
    {
        Description = "return only when the guest agent answers guest-ping (default 60 s; --wait-agent=SECONDS)",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private static int? WaitAgentSeconds(ParseResult p, Option<int?> option) =>
        p.GetResult(option) is null ? null : p.GetValue(option) ?? 60;
}
