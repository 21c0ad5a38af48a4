using System.Text.Json.Nodes;
using Virtlab.IntegrationTests.Infrastructure;

namespace Virtlab.IntegrationTests.Faults;

/// <summary>What one host says of a VM after a cell, next to the QEMU processes that really run for it there.</summary>
public sealed record HostView(string Host, string? State, int? Pid, IReadOnlyList<int> Pids)
{
    public bool Listed => State is not null;

    public bool Live => State is "running" or "paused";

    public override string ToString() =>
        State is null ? $"{Host}: absent" : Live ? $"{Host}: {State} (pid {Pid})" : $"{Host}: {State}";
}

/// <summary>(b): the subject's state after a cell, settled, and whether the user can act on it.</summary>
public sealed record FaultOutcome(HostView A, HostView B)
{
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(90);

    public string Describe() => $"then {A}, {B}";

    /// <summary>Waits (bounded) until both hosts' views are consistent with the processes; fails with the last problem.</summary>
    public static async Task<FaultOutcome> SettleAsync(FaultBench bench, string name, FaultOperation op)
    {
        var deadline = DateTime.UtcNow + SettleTimeout;
        while (true)
        {
            var o = new FaultOutcome(await ViewAsync(bench.A, "A", name), await ViewAsync(bench.B, "B", name));
            var problem = o.Problem(op);
            if (problem is null)
            {
                return o;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new FaultCheckException($"{o.Describe()}: {problem} (still after {SettleTimeout.TotalSeconds:0} s)");
            }

            await Task.Delay(500, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>
    /// What a user does next (ping a running VM, resume a paused one, start a shut-off one) must work. A shutdown
    /// whose power button QEMU took late (it was stopped) may power the guest off while this pings it: that is the
    /// shutdown the user asked for, and the next step is a start.
    /// </summary>
    public static async Task<string> ActAsync(FaultBench bench, string name, FaultOperation op, FaultOutcome o)
    {
        var view = o.A.Live ? o.A : o.B.Live ? o.B : o.A.Listed ? o.A : o.B.Listed ? o.B : null;
        if (view is null)
        {
            return "; no definition left (create undone), as asked";
        }

        var host = view.Host == "A" ? bench.A : bench.B;
        var hasAgent = name == FaultBench.Subject;
        string did;
        if (view.State == "paused")
        {
            await Must(host, "resume", name);
            did = "resume ok";
        }
        else if (!view.Live)
        {
            await Must(host, "start", name, hasAgent ? "--wait-agent=90" : "--wait-agent=0");
            return $"; start on {view.Host} ok";
        }
        else
        {
            did = "running";
        }

        if (hasAgent)
        {
            // A hung agent answers again once the guest continues it (at most AgentHangWindow after the fault): retry until then.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var deadline = FaultInjector.AgentHangWindow + TimeSpan.FromSeconds(30);
            while (true)
            {
                var r = await host.RunAsync(TimeSpan.FromMinutes(1), "qemu-agent-command", name, """{"execute":"guest-ping"}""", "--timeout", "10");
                if (r.ExitCode == 0)
                {
                    break;
                }

                if (op == FaultOperation.Shutdown && await ViewAsync(host, view.Host, name) is { Live: false } now)
                {
                    await Must(host, "start", name, "--wait-agent=90");
                    return $"; {did}, then {now.State} (the power button QEMU took once it ran again); start on {view.Host} ok";
                }

                if (clock.Elapsed > deadline)
                {
                    throw new FaultCheckException($"the user cannot act on it: its agent still does not answer after {clock.Elapsed.TotalSeconds:0} s: {FaultBench.FirstLine(r.Stderr)}");
                }

                await Task.Delay(2000, TestContext.Current.CancellationToken);
            }

            did += clock.Elapsed.TotalSeconds > 5 ? $", agent answers again after {clock.Elapsed.TotalSeconds:0} s" : ", agent answers";
        }

        return $"; {did} on {view.Host}";
    }

    private static async Task Must(VirtlabHost host, params string[] args)
    {
        var r = await host.RunAsync(TimeSpan.FromMinutes(2), args);
        if (r.ExitCode != 0)
        {
            throw new FaultCheckException($"the user cannot act on it: 'virtlab {string.Join(' ', args.Take(2))}' failed: {FaultBench.FirstLine(r.Stderr)}");
        }
    }

    private string? Problem(FaultOperation op)
    {
        foreach (var v in new[] { A, B })
        {
            if (v.Live)
            {
                if (v.Pid is not { } pid || !v.Pids.Contains(pid))
                {
                    return $"{v.Host} lists it {v.State} but its QEMU (pid {v.Pid}) is gone";
                }

                if (v.Pids.Count > 1)
                {
                    return $"two QEMU processes of it run on {v.Host}: {string.Join(", ", v.Pids)}";
                }

                if (v.State == "running" && ProcessState(pid) == "T")
                {
                    return $"{v.Host} lists it running but QEMU pid {pid} is stopped";
                }
            }
            else if (v.Pids.Count > 0)
            {
                return $"QEMU pid {string.Join(", ", v.Pids)} runs on {v.Host} but {v.Host} lists it as {v.State ?? "absent"}";
            }
            else if (v.State is not (null or "shut off" or "crashed"))
            {
                return $"{v.Host} lists it '{v.State}'";
            }
        }

        if (A.Live && B.Live)
        {
            return A.State == "running" && B.State == "running" ? "it runs on both hosts" : "it is live on both hosts";
        }

        if (op != FaultOperation.Create && !A.Listed && !B.Listed)
        {
            return "its definition is lost on both hosts";
        }

        return null;
    }

    private static async Task<HostView> ViewAsync(VirtlabHost host, string label, string name)
    {
        var state = await FaultBench.ListedStateAsync(host, name);
        int? pid = null;
        if (state is "running" or "paused")
        {
            var info = await host.RunAsync(TimeSpan.FromSeconds(60), "dominfo", name, "--json");
            if (info.ExitCode == 0)
            {
                pid = JsonNode.Parse(info.Stdout)!["pid"]?.GetValue<int>();
            }
        }

        return new HostView(label, state, pid, FaultBench.QemuPids(host, name));
    }

    private static string ProcessState(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
