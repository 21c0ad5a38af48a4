using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Virtlab.Api;
using Virtlab.Client;

namespace Virtlab.Cli.Commands;

/// <summary>host evacuate: every VM of a host of the cluster live-migrated to the hosts placement chooses, shown as it goes (docs/CLUSTER.md).</summary>
internal static class HostCommands
{
    public static Command Host()
    {
        var host = new Argument<string>("HOST-ID") { Description = "the host to empty (its id in 'virtlab cluster status')" };
        var downtime = new Option<int?>("--max-downtime") { Description = "each migration's downtime limit in ms (the closed loop keeps to it)", HelpName = "MS" };
        var json = CommandRunner.JsonOption();
        var evacuate = new Command("evacuate", "live-migrate every VM off a host, each to the host placement chooses, showing each one's progress, then its downtime") { host, downtime, json };
        evacuate.Handle(async (p, client, ct) =>
        {
            var id = p.GetValue(host)!;
            var call = client.PostAsync(
                $"v1/cluster/hosts/{Uri.EscapeDataString(id)}/evacuate", new HostEvacuateRequest(p.GetValue(downtime)),
                ApiJsonContext.Default.HostEvacuateRequest, ApiJsonContext.Default.HostEvacuateReply, ct);
            if (!p.GetValue(json))
            {
                await ShowProgressAsync(client, id, call, ct).ConfigureAwait(false);
            }

            var reply = await call.ConfigureAwait(false);
            Console.Write(p.GetValue(json) ? JsonSerializer.Serialize(reply, ApiJsonContext.Default.HostEvacuateReply) + "\n" : EvacuateText(reply));
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
        var console = ClusterCommands.PlainConsole(writer, 160);
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

    /// <summary>One VM's progress as a line: where it goes and how far its migration is, or what became of it.</summary>
    public static string Line(EvacuationVmProgress v) => v.Phase switch
    {
        "migrating" when v.Job is { JobType: "Unbounded" } j => $"{v.Name} → {v.ToHost}: {JobFormat.ProgressLine(j)}",
        "migrating" => $"{v.Name} → {v.ToHost}: migrating",
        "moved" => string.Create(CultureInfo.InvariantCulture, $"{v.Name} → {v.ToHost}: moved, downtime {v.DowntimeMs} ms, total {(v.TotalMs ?? 0) / 1000.0:0.0} s"),
        "stayed" => $"{v.Name}: stayed: {v.Error}",
        _ => $"{v.Name}: waiting",
    };

    /// <summary>
    /// While the evacuation runs: a progress bar per VM, fed by its migration's job info (asked of the evacuated host every
    /// 250 ms); redirected, a line per VM whenever its phase changes, and at most one a second while its job's numbers move.
    /// </summary>
    private static async Task ShowProgressAsync(DaemonClient client, string hostId, Task evacuation, CancellationToken ct)
    {
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            var printed = new Dictionary<string, (string Phase, string Line, DateTime At)>(StringComparer.Ordinal);
            while (true)
            {
                var done = evacuation.IsCompleted;
                foreach (var v in await PollAsync(client, hostId, evacuation, done, ct).ConfigureAwait(false))
                {
                    var seen = printed.GetValueOrDefault(v.Name);
                    var line = Line(v);
                    if (seen.Phase != v.Phase || (line != seen.Line && DateTime.UtcNow - seen.At >= TimeSpan.FromSeconds(1)))
                    {
                        Console.WriteLine(line);
                        printed[v.Name] = (v.Phase, line, DateTime.UtcNow);
                    }
                }

                if (done)
                {
                    return;
                }

                await Task.WhenAny(evacuation, Task.Delay(250, ct)).ConfigureAwait(false);
            }
        }

        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var tasks = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                while (true)
                {
                    var done = evacuation.IsCompleted;
                    foreach (var v in await PollAsync(client, hostId, evacuation, done, ct).ConfigureAwait(false))
                    {
                        if (!tasks.TryGetValue(v.Name, out var task))
                        {
                            task = tasks[v.Name] = ctx.AddTask(Markup.Escape(Line(v)), autoStart: false, maxValue: 100);
                        }

                        task.Description = Markup.Escape(Line(v));
                        if (v.Phase != "waiting" && !task.IsStarted)
                        {
                            task.StartTask();
                        }

                        if (v.Job is { } j && JobFormat.Percent(j) is { } percent)
                        {
                            task.Value = percent;
                        }

                        if (v.Phase is "moved" or "stayed")
                        {
                            task.Value = v.Phase == "moved" ? 100 : task.Value;
                            task.StopTask();
                        }
                    }

                    if (done)
                    {
                        return;
                    }

                    await Task.WhenAny(evacuation, Task.Delay(250, ct)).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
    }

    /// <summary>
    /// The VMs of this evacuation as the evacuated host has them. Until the call returns, only a running evacuation's
    /// (the host may not have begun it yet, and then still shows the previous one); once it returned, the one it ran.
    /// </summary>
    private static async Task<IReadOnlyList<EvacuationVmProgress>> PollAsync(DaemonClient client, string hostId, Task evacuation, bool done, CancellationToken ct)
    {
        if (done && !evacuation.IsCompletedSuccessfully)
        {
            return [];
        }

        try
        {
            var p = await client.GetAsync($"v1/cluster/hosts/{Uri.EscapeDataString(hostId)}/evacuation", ApiJsonContext.Default.HostEvacuationProgress, ct).ConfigureAwait(false);
            return p.Running || done ? p.Vms : [];
        }
        catch (DaemonCallException)
        {
            return [];
        }
    }
}
