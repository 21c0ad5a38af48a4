using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Virtlab.Api;

namespace Virtlab.Cli.Commands;

/// <summary>cluster init / join / leave / status / baseline: this host's membership of a Virtlab cluster in etcd (docs/CLUSTER.md).</summary>
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
            Baseline(),
        };
        return cmd;
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
            if (s.VmStates is { Count: > 0 } states)
            {
                writer.WriteLine("VMs: " + string.Join("; ", states.Select(v => v.Host is null ? $"{v.Name} {v.State}" : $"{v.Name} {v.State} on {v.Host}")));
            }

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

    private static Command Baseline()
    {
        var json = CommandRunner.JsonOption();
        var cmd = new Command("baseline", "the CPU every live host of the cluster can run: cpu-baseline over their CPU flags, and the --cpu to give") { json };
        cmd.Handle(async (p, client, ct) =>
        {
            var r = await client.GetAsync("v1/cluster/baseline", ApiJsonContext.Default.ClusterBaselineReply, ct).ConfigureAwait(false);
            if (p.GetValue(json))
            {
                System.Console.WriteLine(JsonSerializer.Serialize(r, ApiJsonContext.Default.ClusterBaselineReply));
                return;
            }

            foreach (var h in r.Hosts)
            {
                System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"host {h.HostId}: {h.CpuModel}, {h.Flags} flags, {h.Accelerator.Split(' ')[0]}"));
            }

            var b = r.Baseline;
            System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Common features: {b.Features.Count}"));
            System.Console.WriteLine($"Best model:      {b.Model ?? "none of this host's QEMU models fits (qemu64 and features)"}");
            System.Console.WriteLine($"Every host runs: --cpu {b.CpuSpec}");
        });
        return cmd;
    }

    /// <summary>A Spectre console that writes plain text (no colours, no ANSI) of a fixed width into <paramref name="writer"/>.</summary>
    internal static IAnsiConsole PlainConsole(StringWriter writer, int width)
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
