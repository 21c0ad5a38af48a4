using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Virtlab.Api;

namespace Virtlab.Cli.Commands;

/// <summary>CPU models, the guest's CPU against the host's, and compatibility between hosts.</summary>
internal static class CpuCommands
{
    public static Command CpuModels()
    {
        var usable = new Option<bool>("--usable") { Description = "only the models this accelerator can run with every feature" };
        var json = CommandRunner.JsonOption();
        var cmd = new Command("cpu-models", "CPU models of this QEMU (query-cpu-definitions) and the features this accelerator cannot give each") { usable, json };
        cmd.Handle(async (p, client, ct) =>
        {
            var list = await client.GetAsync($"v1/cpu/models?usable={(p.GetValue(usable) ? "true" : "false")}", ApiJsonContext.Default.CpuModelList, ct).ConfigureAwait(false);
            if (p.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(list, ApiJsonContext.Default.CpuModelList));
                return;
            }

            var width = Math.Max(5, list.Models.Count == 0 ? 5 : list.Models.Max(m => m.Name.Length));
            Console.WriteLine($" {"Model".PadRight(width)}  {"Usable",-6}  {list.Accel} cannot give");
            Console.WriteLine(new string('-', width + 30));
            foreach (var m in list.Models)
            {
                var note = m.AliasOf is null ? string.Empty : $"(= {m.AliasOf}) ";
                Console.WriteLine($" {m.Name.PadRight(width)}  {(m.Usable ? "yes" : "no"),-6}  {note}{string.Join(' ', m.UnavailableFeatures)}");
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\n{list.Models.Count} models ({list.Models.Count(m => m.Usable)} usable under {list.Accel}), QEMU {list.QemuVersion}"));
        });
        return cmd;
    }

    public static Command CpuModelExpand()
    {
        var model = new Argument<string>("MODEL");
        var json = CommandRunner.JsonOption();
        var cmd = new Command("cpu-model-expand", "what a CPU model means here (query-cpu-model-expansion, static and full)") { model, json };
        cmd.Handle(async (p, client, ct) =>
        {
            var e = await client.GetAsync($"v1/cpu/models/{Uri.EscapeDataString(p.GetValue(model)!)}/expansion", ApiJsonContext.Default.CpuModelExpansionReply, ct).ConfigureAwait(false);
            if (p.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(e, ApiJsonContext.Default.CpuModelExpansionReply));
                return;
            }

            Console.WriteLine($"Model:           {e.Model} ({e.Accel})");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Static:          {e.StaticBase} + {e.StaticFeatures.Count} features: {string.Join(' ', e.StaticFeatures)}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Full:            {e.FullFeatures.Count} features on, {e.FullPropertyCount} properties: {string.Join(' ', e.FullFeatures)}"));
            Console.WriteLine($"{e.Accel} cannot give: {(e.UnavailableFeatures.Count == 0 ? "nothing (usable as is)" : string.Join(' ', e.UnavailableFeatures))}");
        });
        return cmd;
    }

    public static Command GuestCpuInfo()
    {
        var name = new Argument<string>("NAME");
        var diff = new Option<bool>("--diff-host") { Description = "compare the guest's flags with the host's (Missing / Added)" };
        var json = CommandRunner.JsonOption();
        var cmd = new Command("guest-cpuinfo", "the CPU the guest really sees: its /proc/cpuinfo model name and flags, read through the agent") { name, diff, json };
        cmd.Handle(async (p, client, ct) =>
        {
            var c = await client.GetAsync($"v1/domains/{Uri.EscapeDataString(p.GetValue(name)!)}/guest-cpuinfo", ApiJsonContext.Default.GuestCpuInfo, ct).ConfigureAwait(false);
            if (p.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(c, ApiJsonContext.Default.GuestCpuInfo));
                return;
            }

            Console.WriteLine($"CPU:             {c.CpuModel} ({c.Accel})");
            Console.WriteLine($"model name:      {c.ModelName}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"family/model:    {c.Vendor} family {c.Family} model {c.Model} stepping {c.Stepping}"));
            Console.WriteLine(Row($"flags ({c.Flags.Count.ToString(CultureInfo.InvariantCulture)}):", string.Join(' ', c.Flags)));
            if (c.DroppedByAccel.Count > 0)
            {
                Console.WriteLine($"Dropped by {c.Accel}:  {string.Join(", ", c.DroppedByAccel)} (the model names them; this accelerator cannot give them)");
            }

            if (!p.GetValue(diff))
            {
                return;
            }

            Console.WriteLine();
            Console.WriteLine($"Host:            {c.HostModelName} ({c.HostFlags.Count} flags)");
            Console.WriteLine(Row($"Missing ({c.Missing.Count.ToString(CultureInfo.InvariantCulture)}):", c.Missing.Count == 0 ? "none" : string.Join(", ", c.Missing)));
            Console.WriteLine(Row($"Added ({c.Added.Count.ToString(CultureInfo.InvariantCulture)}):", c.Added.Count == 0 ? "none" : string.Join(", ", c.Added)));
            if (c.HostIsVirtual)
            {
                Console.WriteLine("Note:            hypervisor is on both sides: this host is itself a VM, so it is not \"Added\"");
            }
        });
        return cmd;
    }

    public static Command CpuCompare()
    {
        var target = new Argument<string?>("FILE|NAME") { Description = "a defined domain, or a file with libvirt <cpu> or <domain> XML", Arity = ArgumentArity.ZeroOrOne };
        var model = new Option<string?>("--model") { Description = "compare a CPU model instead (e.g. Skylake-Server)" };
        var host = new Option<string?>("--host") { Description = "the host to compare with (only this one for now)" };
        var json = CommandRunner.JsonOption();
        var cmd = new Command("cpu-compare", "can this host run a CPU? identical, superset or incompatible, with the missing features (our own x86 logic)") { target, model, host, json };
        cmd.Handle(async (p, client, ct) =>
        {
            var t = p.GetValue(target);
            var m = p.GetValue(model);
            CpuCompareRequest req;
            if (m is not null)
            {
                req = new CpuCompareRequest(Model: m, HostUri: p.GetValue(host));
            }
            else if (t is null)
            {
                throw new CliException("cpu-compare: give a domain name, an XML file, or --model MODEL");
            }
            else if (File.Exists(t))
            {
                req = new CpuCompareRequest(Xml: await File.ReadAllTextAsync(t, ct).ConfigureAwait(false), HostUri: p.GetValue(host));
            }
            else
            {
                req = new CpuCompareRequest(Domain: t, HostUri: p.GetValue(host));
            }

            var r = await client.PostAsync("v1/cpu/compare", req, ApiJsonContext.Default.CpuCompareRequest, ApiJsonContext.Default.CpuCompareReply, ct).ConfigureAwait(false);
            if (p.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(r, ApiJsonContext.Default.CpuCompareReply));
                return;
            }

            Console.WriteLine(r.Result switch
            {
                "Identical" => $"CPU of {r.Subject} is identical to the host CPU",
                "Superset" => $"Host CPU is a superset of the CPU of {r.Subject}",
                _ => $"CPU of {r.Subject} is incompatible with the host CPU",
            });
            Console.WriteLine($"Host:            {r.Host}");
            if (r.Missing.Count > 0)
            {
                Console.WriteLine(Row($"Missing ({r.Missing.Count.ToString(CultureInfo.InvariantCulture)}):", string.Join(", ", r.Missing)));
            }

            Console.WriteLine($"Reason:          {r.Reason}");
            if (r.Note is not null)
            {
                Console.WriteLine($"Note:            {r.Note}");
            }
            if (r.Result == "Incompatible")
            {
                throw new CliException($"the host cannot run the CPU of {r.Subject}");
            }
        });
        return cmd;
    }

    public static Command CpuBaseline()
    {
        var files = new Argument<string[]>("FILE") { Description = "each host's CPU: a copy of its /proc/cpuinfo (or feature names); 'host' is this host", Arity = ArgumentArity.OneOrMore };
        var json = CommandRunner.JsonOption();
        var cmd = new Command("cpu-baseline", "the largest CPU every given host can run: common features, best model, the <cpu> XML") { files, json };
        cmd.Handle(async (p, client, ct) =>
        {
            var hosts = new List<string>();
            foreach (var f in p.GetValue(files)!)
            {
                hosts.Add(f == "host" ? "host" : File.Exists(f) ? await File.ReadAllTextAsync(f, ct).ConfigureAwait(false) : throw new CliException($"file '{f}' does not exist (give a /proc/cpuinfo copy, or 'host')"));
            }

            var r = await client.PostAsync("v1/cpu/baseline", new CpuBaselineRequest(hosts), ApiJsonContext.Default.CpuBaselineRequest, ApiJsonContext.Default.CpuBaselineReply, ct).ConfigureAwait(false);
            if (p.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(r, ApiJsonContext.Default.CpuBaselineReply));
                return;
            }

            Console.Write(r.Xml);
            Console.WriteLine($"--cpu {r.CpuSpec}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"({r.Features.Count} features common to all hosts; best model {r.Model ?? "none (qemu64)"})"));
        });
        return cmd;
    }

    private static string Row(string label, string value) => label.PadRight(17) + value;
}
