using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Virtlab.IntegrationTests.Infrastructure;

namespace Virtlab.IntegrationTests.Faults;

/// <summary>
/// One cell of the fault matrix: bring the subject VM to the operation's starting point, run the operation through
/// the CLI with the fault injected just before or during it, lift the fault, and check (a) the witness VM on the same
/// daemon still answers, (b) the subject's state is one the user can see and act on, (c) an error says what happened.
/// </summary>
public sealed class FaultCell(FaultBench bench, FaultKind fault)
{
    private const string S = FaultBench.Subject;
    private static readonly TimeSpan OpTimeout = TimeSpan.FromMinutes(4);

    private VirtlabHost A => bench.A;

    private VirtlabHost B => bench.B;

    /// <summary>Why a cell makes no sense, or null.</summary>
    public static string? NotApplicable(FaultOperation op, FaultKind fault) => (op, fault) switch
    {
        (FaultOperation.Create, FaultKind.AgentHung) => "no agent runs before the new guest boots; a guest whose agent never answers is the start cell",
        _ => null,
    };

    public async Task<FaultCellResult> RunAsync(FaultOperation op)
    {
        if (NotApplicable(op, fault) is { } why)
        {
            return new FaultCellResult(op, fault, "n/a", why, 0);
        }

        var clock = Stopwatch.StartNew();
        var injector = new FaultInjector(bench, fault);
        var name = op == FaultOperation.Start && fault == FaultKind.AgentHung ? "m" : S;
        try
        {
            await PrepareAsync(op, name);
            var (result, witness) = await RunFaultedAsync(op, name, injector);
            await injector.LiftAsync();
            var said = CheckError(result);
            var outcome = await FaultOutcome.SettleAsync(bench, name, op);
            var acted = await FaultOutcome.ActAsync(bench, name, op, outcome);
            var after = await WitnessAsync();
            if (witness is not null || after is not null)
            {
                throw new FaultCheckException($"{said}; {outcome.Describe()}; but the witness VM: {witness ?? after}");
            }

            return new FaultCellResult(op, fault, "pass", $"{injector.Done}; {said}; {outcome.Describe()}{acted}", clock.Elapsed.TotalSeconds);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new FaultCellResult(op, fault, "FAIL", $"{(injector.Done.Length > 0 ? injector.Done + "; " : string.Empty)}{e.Message}", clock.Elapsed.TotalSeconds);
        }
        finally
        {
            await injector.LiftAsync();
            if (name != S)
            {
                await RemoveAsync(A, name);
            }
        }
    }

    private async Task PrepareAsync(FaultOperation op, string name)
    {
        switch (op)
        {
            case FaultOperation.Create:
                await RemoveAsync(A, S);
                await RemoveAsync(B, S);
                break;
            case FaultOperation.Start when name != S:
                await RemoveAsync(A, name);
                await DefineMuteAsync(name);
                break;
            case FaultOperation.Start:
                await RemoveAsync(B, S);
                await FreshAsync(A);
                await A.OkAsync("destroy", S);
                break;
            case FaultOperation.MigrateIn:
                await RemoveAsync(A, S);
                await FreshAsync(B);
                break;
            default:
                await RemoveAsync(B, S);
                await FreshAsync(A);
                if (op == FaultOperation.SetvcpusDown)
                {
                    await A.OkAsync("setvcpus", S, "2", "--live");
                }
                else if (op == FaultOperation.SetmemDown)
                {
                    await A.OkAsync("setmem", S, "512M", "--live");
                }

                break;
        }
    }

    private async Task<(CliResult Result, string? Witness)> RunFaultedAsync(FaultOperation op, string name, FaultInjector injector)
    {
        var when = When(op);
        var agentHost = op == FaultOperation.MigrateIn ? B : A;
        if (name != S)
        {
            // The start cell of the agent column: the fault is the guest itself (its qemu-ga never starts).
            injector.Describe("a guest whose qemu-ga never starts (virtlab.agent=off)");
            when = Timing.None;
        }

        if (when == Timing.Before)
        {
            await injector.InjectAsync(agentHost, name);
        }

        var run = StartOperation(op, name);
        switch (when)
        {
            case Timing.OnSpawn:
                await WaitForAsync(() => FaultBench.QemuPids(A, name).Count > 0, run, "a QEMU process on A");
                await injector.InjectAsync(agentHost, name);
                break;
            case Timing.Migrating:
                await WaitForMigrationAsync(op == FaultOperation.MigrateIn ? B : A, run);
                if (op == FaultOperation.MigrateIn && fault is FaultKind.QemuKilled or FaultKind.QemuStopped)
                {
                    await WaitForAsync(() => FaultBench.QemuPids(A, name).Count > 0, run, "the incoming QEMU on A");
                }

                await injector.InjectAsync(agentHost, name);
                break;
            case Timing.Short:
                await Task.Delay(op == FaultOperation.Shutdown ? 30 : 150, TestContext.Current.CancellationToken);
                await injector.InjectAsync(agentHost, name);
                break;
        }

        // (a) while the operation is in flight (and the fault on), the other VM of the same daemon answers.
        string? witness = null;
        if (fault != FaultKind.DaemonKilled && !run.IsCompleted)
        {
            await Task.Delay(1000, TestContext.Current.CancellationToken);
            witness = await WitnessAsync();
        }

        return (await run, witness);
    }

    private enum Timing
    {
        None,
        Before,
        OnSpawn,
        Migrating,
        Short,
    }

    private Timing When(FaultOperation op)
    {
        if (fault is FaultKind.AgentHung or FaultKind.DiskFull or FaultKind.DatabaseLocked)
        {
            return Timing.Before;
        }

        return op switch
        {
            FaultOperation.Create or FaultOperation.Start => Timing.OnSpawn,
            FaultOperation.MigrateOut or FaultOperation.MigrateIn => Timing.Migrating,
            FaultOperation.Shutdown => Timing.Short,
            _ => fault == FaultKind.DaemonKilled ? Timing.Short : Timing.Before,
        };
    }

    private Task<CliResult> StartOperation(FaultOperation op, string name) => op switch
    {
        FaultOperation.Create => A.RunAsync(OpTimeout, ["create", S, .. FaultBench.SubjectShape, "--wait-agent=90"]),
        FaultOperation.Start => A.RunAsync(OpTimeout, "start", name, name == S ? "--wait-agent=90" : "--wait-agent=8"),
        FaultOperation.Shutdown => A.RunAsync(OpTimeout, "shutdown", S, "--timeout", "60"),
        FaultOperation.SetvcpusUp => A.RunAsync(OpTimeout, "setvcpus", S, "2", "--live"),
        FaultOperation.SetvcpusDown => A.RunAsync(OpTimeout, "setvcpus", S, "1", "--live"),
        FaultOperation.SetmemUp => A.RunAsync(OpTimeout, "setmem", S, "512M", "--live"),
        FaultOperation.SetmemDown => A.RunAsync(OpTimeout, "setmem", S, "256M", "--live"),
        FaultOperation.MigrateOut => A.RunAsync(OpTimeout, "migrate", S, B.Uri!, "--live", "--bandwidth", "16", "--token-file", B.TokenFile),
        FaultOperation.MigrateIn => B.RunAsync(OpTimeout, "migrate", S, A.Uri!, "--live", "--bandwidth", "16", "--token-file", A.TokenFile),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    /// <summary>(c): an error must be one line that names what happened; success is reported as such.</summary>
    private string CheckError(CliResult r)
    {
        if (r.ExitCode == 0)
        {
            return "succeeded: " + Quote(FaultBench.FirstLine(r.Stdout));
        }

        var line = FaultBench.FirstLine(r.Stderr);
        if (line.Length == 0 || r.Stderr.Contains("   at ", StringComparison.Ordinal))
        {
            throw new FaultCheckException($"exit {r.ExitCode} without a one-line error: {Quote(r.Stderr)}");
        }

        if (!Regex.IsMatch(line, FaultNames.ErrorWords(fault), RegexOptions.IgnoreCase))
        {
            throw new FaultCheckException($"the error does not say what happened: {Quote(line)}");
        }

        return $"exit {r.ExitCode}: {Quote(line)}";
    }

    /// <summary>(a): the witness VM's dominfo (within 15 s, running) and its agent's ping; null when both answer.</summary>
    private async Task<string?> WitnessAsync()
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var info = await A.RunAsync(TimeSpan.FromSeconds(15), "dominfo", FaultBench.Witness, "--json");
            if (info.ExitCode != 0)
            {
                return "dominfo failed: " + FaultBench.FirstLine(info.Stderr);
            }

            var state = JsonNode.Parse(info.Stdout)!["state"]!.GetValue<string>();
            if (state != "running")
            {
                return $"dominfo says '{state}'";
            }

            var ping = await A.RunAsync(TimeSpan.FromSeconds(20), "qemu-agent-command", FaultBench.Witness, """{"execute":"guest-ping"}""", "--timeout", "10");
            return ping.ExitCode == 0 ? null : "guest-ping failed: " + FaultBench.FirstLine(ping.Stderr);
        }
        catch (TimeoutException)
        {
            return $"no answer within {clock.Elapsed.TotalSeconds:0} s";
        }
    }

    private async Task FreshAsync(VirtlabHost host)
    {
        var state = await FaultBench.ListedStateAsync(host, S);
        if (state is not null && state != "shut off")
        {
            await host.OkAsync("destroy", S);
        }

        if (state is null)
        {
            await host.OkAsync(["create", S, .. FaultBench.SubjectShape, "--wait-agent=90"]);
        }
        else
        {
            await host.OkAsync("start", S, "--wait-agent=90");
        }
    }

    private static async Task RemoveAsync(VirtlabHost host, string name)
    {
        var state = await FaultBench.ListedStateAsync(host, name);
        if (state is not null && state != "shut off")
        {
            await host.OkAsync("destroy", name);
        }

        if (state is not null)
        {
            await host.OkAsync("undefine", name);
        }

        foreach (var pid in FaultBench.QemuPids(host, name))
        {
            FaultBench.Signal(pid, "KILL");
        }
    }

    /// <summary>A guest whose agent never starts (virtlab.agent=off): what a hung agent is to a start.</summary>
    private async Task DefineMuteAsync(string name)
    {
        var xml = Path.Combine(Path.GetTempPath(), $"vl-fault-{name}-{Environment.ProcessId}.xml");
        await File.WriteAllTextAsync(xml, $"""
            <domain type='qemu'>
              <name>{name}</name>
              <memory unit='MiB'>256</memory>
              <vcpu>1</vcpu>
              <os><type arch='x86_64' machine='pc'>hvm</type><cmdline>virtlab.agent=off</cmdline></os>
              <devices>
                <channel type='unix'><source mode='bind'/><target type='virtio' name='org.qemu.guest_agent.0'/></channel>
              </devices>
            </domain>
            """, TestContext.Current.CancellationToken);
        await A.OkAsync("define", xml);
        File.Delete(xml);
    }

    private static async Task WaitForAsync(Func<bool> done, Task<CliResult> run, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!done())
        {
            if (run.IsCompleted)
            {
                throw new FaultCheckException($"the operation ended before {what} appeared: {await run}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new FaultCheckException($"{what} did not appear within 60 s");
            }

            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
    }

    private static async Task WaitForMigrationAsync(VirtlabHost source, Task<CliResult> run)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (run.IsCompleted)
            {
                throw new FaultCheckException($"the migration ended before the fault: {FaultBench.FirstLine((await run).Stderr + (await run).Stdout)}");
            }

            var r = await source.RunAsync("domjobinfo", S, "--json");
            if (r.ExitCode == 0 && JsonNode.Parse(r.Stdout) is { } job && job["status"]?.GetValue<string>() == "active" &&
                job["memoryProcessed"]?.GetValue<long>() > 4 << 20)
            {
                return;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        throw new FaultCheckException("no active migration within 90 s");
    }

    private static string Quote(string s) => "\"" + (s.Length > 140 ? s[..137] + "..." : s).Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal) + "\"";
}
