using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Virtlab.Api;

namespace Virtlab.Cli.Commands;

/// <summary>cluster init / join / leave / status: this host's membership of a Virtlab cluster in etcd; host evacuate (docs/CLUSTER.md).</summary>
internal static class ClusterCommands
{
    public static Command Cluster()
    {
        var cmd = new Command("cluster", "a cluster of Virtlab hosts whose state is kept in etcd (docs/CLUSTER.md)")
        {
            Join("init", "create the cluster in etcd and register this host in it"),
            Join("join", "register this host in the cluster etcd holds"),
            Leave(),
            Status(),
        };
        return cmd;
    }

    /// <summary>host evacuate HOST: every VM of that host live-migrated to the hosts placement chooses.</summary>
    public static Command Host()
    {
        var host = new Argument<string>("HOST-ID") { Description = "the host to empty (its id in 'virtlab cluster status')" };
        var downtime = new Option<int?>("--max-downtime") { Description = "each migration's downtime limit in ms (the closed loop keeps to it)", HelpName = "MS" };
        var json = CommandRunner.JsonOption();
        var evacuate = new Command("evacuate", "live-migrate every VM off a host, each to the host placement chooses, and report each one's downtime") { host, downtime, json };
        evacuate.Handle(async (p, client, ct) =>
        {
            var id = p.GetValue(host)!;
            var call = client.PostAsync(
                $"v1/cluster/hosts/{Uri.EscapeDataString(id)}/evacuate", new HostEvacuateRequest(p.GetValue(downtime)),
                ApiJsonContext.Default.HostEvacuateRequest, ApiJsonContext.Default.HostEvacuateReply, ct);
            var reply = p.GetValue(json) || Console.IsOutputRedirected
                ? await call.ConfigureAwait(false)
                : await AnsiConsole.Status().StartAsync($"evacuating host {id}: migrating its VMs one after the other", _ => call).ConfigureAwait(false);
            if (p.GetValue(json))
            {
                System.Console.WriteLine(JsonSerializer.Serialize(reply, ApiJsonContext.Default.HostEvacuateReply));
            }
            else
            {
                System.Console.Write(EvacuateText(reply));
            }

            if (reply.Vms.Any(v => v.Error is not null))
            {
                throw new CliException($"host {id} is not empty: {string.Join("; ", reply.Vms.Where(v => v.Error is not null).Select(v => $"{v.Name}: {v.Error}"))}");
            }
        });
        return new Command("host", "a host of the cluster") { evacuate };
    }

    /// <summary>host evacuate as text: a row per VM.</summary>
    public static string EvacuateText(HostEvacuateReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        if (reply.Vms.Count == 0)
        {
            return $"Host {reply.HostId} runs no VM: nothing to evacuate\n";
        }

        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        var console = PlainConsole(writer, 160);
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("VM").AddColumn("Now on").AddColumn(new TableColumn("Downtime").RightAligned()).AddColumn(new TableColumn("Total").RightAligned())
            .AddColumn("Agent").AddColumn("Problem");
        foreach (var v in reply.Vms)
        {
            table.AddRow(
                new Text(v.Name),
                new Text(v.ToHost ?? reply.HostId + " (stayed)"),
                new Text(v.DowntimeMs is { } d ? string.Create(CultureInfo.InvariantCulture, $"{d} ms") : "-"),
                new Text(v.TotalMs is { } t ? string.Create(CultureInfo.InvariantCulture, $"{t / 1000.0:0.0} s") : "-"),
                new Text(v.Error is null ? (v.AgentAnswered ? "answers" : "silent") : "-"),
                new Text(v.Error ?? string.Empty));
        }

        writer.WriteLine($"Host {reply.HostId}: {reply.Vms.Count(v => v.Error is null)} of {reply.Vms.Count} VM(s) moved");
        console.Write(table);
        return writer.ToString();
    }

    private static Command Join(string verb, string description)
    {
        var etcd = new Option<string>("--etcd")
        {
            Description = "etcd's client URLs, comma-separated: HOST:PORT or http://HOST:PORT (e.g. 127.0.0.1:2379)",
            Required = true,
        };
        var ttl = new Option<string?>("--lease-ttl")
        {
            Description = "this host's lease: it is gone from the cluster this long after its daemon stops answering (default 10s; 2s to 3600s)",
        };
        var json = CommandRunner.JsonOption();
        var cmd = new Command(verb, description) { etcd, ttl, json };
        cmd.Handle(async (p, client, ct) =>
        {
            var reply = await client.PostAsync(
                $"v1/cluster/{verb}", new ClusterJoinRequest(p.GetValue(etcd)!, p.GetValue(ttl)),
                ApiJsonContext.Default.ClusterJoinRequest, ApiJsonContext.Default.ClusterJoinReply, ct).ConfigureAwait(false);
            System.Console.WriteLine(p.GetValue(json) ? JsonSerializer.Serialize(reply, ApiJsonContext.Default.ClusterJoinReply) : reply.Message);
        });
        return cmd;
    }

    private static Command Leave()
    {
        var json = CommandRunner.JsonOption();
        var cmd = new Command("leave", "leave the cluster: revoke this host's lease (its keys go with it) and forget the membership") { json };
        cmd.Handle(async (p, client, ct) =>
        {
            var reply = await client.PostAsync("v1/cluster/leave", new ClusterJoinRequest(string.Empty), ApiJsonContext.Default.ClusterJoinRequest, ApiJsonContext.Default.ClusterJoinReply, ct).ConfigureAwait(false);
            System.Console.WriteLine(p.GetValue(json) ? JsonSerializer.Serialize(reply, ApiJsonContext.Default.ClusterJoinReply) : reply.Message);
        });
        return cmd;
    }

    private static Command Status()
    {
        var json = CommandRunner.JsonOption();
        var cmd = new Command("status", "the hosts of the cluster, their health (lease alive or expired) and their VMs") { json };
        cmd.Handle(async (p, client, ct) =>
        {
            var s = await client.GetAsync("v1/cluster/status", ApiJsonContext.Default.ClusterStatusInfo, ct).ConfigureAwait(false);
            if (p.GetValue(json))
            {
                System.Console.WriteLine(JsonSerializer.Serialize(s, ApiJsonContext.Default.ClusterStatusInfo));
            }
            else
            {
                System.Console.Write(StatusText(s));
            }

            if (s.EtcdProblem is not null)
            {
                throw new CliException(s.EtcdProblem);
            }
        });
        return cmd;
    }

    /// <summary>cluster status as text: this host's lines, a table with a row per host, then the cluster's latest events.</summary>
    public static string StatusText(ClusterStatusInfo s)
    {
        if (!s.Member)
        {
            return "This host is not in a cluster: 'virtlab cluster init --etcd HOST:PORT' creates one, 'virtlab cluster join --etcd HOST:PORT' joins one\n";
        }

        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        var console = PlainConsole(writer, 200);
        writer.WriteLine($"Host:  {s.HostId}");
        writer.WriteLine($"etcd:  {string.Join(",", s.Endpoints)}");
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Lease: {s.Lease} (TTL {s.LeaseTtlSeconds} s)"));
        if (s.Fenced is not null)
        {
            writer.WriteLine($"Fenced: {s.Fenced}");
        }

        if (s.EtcdProblem is null)
        {
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumn("Host").AddColumn("Health").AddColumn(new TableColumn("Lease left").RightAligned()).AddColumn("Address")
                .AddColumn("CPU").AddColumn(new TableColumn("Cores").RightAligned()).AddColumn(new TableColumn("Free memory").RightAligned())
                .AddColumn("QEMU").AddColumn("Accel").AddColumn("VMs (owned)");
            foreach (var row in Rows(s))
            {
                table.AddRow(row.Select(c => new Text(c)).ToArray());
            }

            console.Write(table);
            foreach (var e in s.Events ?? [])
            {
                writer.WriteLine($"{e.At:u} {e.Host}: {e.Kind} {e.Vm}: {e.Message}");
            }
        }

        return writer.ToString();
    }

    /// <summary>The cells of each host row, in the table's column order.</summary>
    public static IReadOnlyList<string[]> Rows(ClusterStatusInfo s) =>
        s.Hosts.Select(h => new[]
        {
            h.Self ? h.HostId + " (this host)" : h.HostId,
            h.Health,
            h.LeaseTtlRemainingSeconds is { } left ? string.Create(CultureInfo.InvariantCulture, $"{left} s") : "-",
            h.Address ?? "-",
            h.CpuModel ?? "-",
            h.Cores?.ToString(CultureInfo.InvariantCulture) ?? "-",
            h.FreeMemoryKiB is { } kib ? string.Create(CultureInfo.InvariantCulture, $"{kib / 1024} MiB") : "-",
            h.QemuVersion is { } q ? q.Split(' ')[0] : "-",
            h.Accelerator is { } a ? a.Split(' ')[0] : "-",
            Vms(h),
        }).ToList();

    private static string Vms(ClusterHostStatus h)
    {
        var names = h.Vms.Union(h.OwnedVms, StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(n => h.OwnedVms.Contains(n, StringComparer.Ordinal) ? n + " (owned)" : n).ToList();
        return names.Count == 0 ? "-" : string.Join(", ", names);
    }

    /// <summary>A Spectre console that writes plain text (no colours, no ANSI) of a fixed width into <paramref name="writer"/>.</summary>
    private static IAnsiConsole PlainConsole(StringWriter writer, int width)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(writer),
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = width;
        return console;
    }
}
