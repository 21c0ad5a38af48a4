using System.Diagnostics;
using System.Globalization;

namespace Virtlab.Bench;

/// <summary>
/// The jobs bench/load runs on the loaded daemon, each a `virtlab` CLI process as a user would run it: a vCPU
/// hot-plug cycle (`setvcpus VM 2 --live`, which onlines the CPU through the guest agent, then `setvcpus VM 1
/// --live`) and a live migration round trip (to the second daemon, then back). Each is timed from spawn to exit
/// (wall) and counts as succeeded only when the command exits 0 and, for setvcpus, reports "completed".
/// </summary>
internal sealed class LoadOps(string virtlab, string homeA, string homeB, int portA, int portB)
{
    /// <summary>One job's outcome: the step ("plug", "unplug", "migrate-out", "migrate-back"), wall ms, and why it failed.</summary>
    public sealed record Outcome(string Step, double WallMs, string? Failure);

    public async Task<List<Outcome>> HotplugCyclesAsync(string vm, int cycles, CancellationToken cancellationToken)
    {
        var outcomes = new List<Outcome>();
        for (var i = 0; i < cycles; i++)
        {
            outcomes.Add(await SetVcpusAsync(vm, 2, "plug", cancellationToken).ConfigureAwait(false));
            outcomes.Add(await SetVcpusAsync(vm, 1, "unplug", cancellationToken).ConfigureAwait(false));
        }

        return outcomes;
    }

    public async Task<List<Outcome>> MigrationRoundTripsAsync(string vm, int roundTrips, CancellationToken cancellationToken)
    {
        var outcomes = new List<Outcome>();
        for (var i = 0; i < roundTrips; i++)
        {
            var o = await MigrateAsync(vm, homeA, homeB, portB, "migrate-out", cancellationToken).ConfigureAwait(false);
            outcomes.Add(o);
            if (o.Failure is not null)
            {
                break;   // the VM stayed on the source (abort) or its place is unknown: no way back to try
            }

            o = await MigrateAsync(vm, homeB, homeA, portA, "migrate-back", cancellationToken).ConfigureAwait(false);
            outcomes.Add(o);
            if (o.Failure is not null)
            {
                break;
            }
        }

        return outcomes;
    }

    private async Task<Outcome> SetVcpusAsync(string vm, int count, string step, CancellationToken cancellationToken)
    {
        var (wall, rc, stdout, stderr) = await RunAsync(homeA, ["setvcpus", vm, count.ToString(CultureInfo.InvariantCulture), "--live", "--json"], cancellationToken).ConfigureAwait(false);
        string? failure = null;
        if (rc != 0)
        {
            failure = $"exit {rc}: {OneLine(stderr)}";
        }
        else if (!stdout.Contains("\"result\": \"completed\"", StringComparison.Ordinal))
        {
            failure = "not completed: " + OneLine(stdout);
        }

        return new Outcome(step, wall, failure);
    }

    private async Task<Outcome> MigrateAsync(string vm, string from, string to, int toPort, string step, CancellationToken cancellationToken)
    {
        var (wall, rc, _, stderr) = await RunAsync(from,
            ["migrate", vm, $"virtlab+tcp://127.0.0.1:{toPort}", "--live", "--token-file", Path.Combine(to, "token"),
             "--timeout", "120", "--timeout-action", "abort", "--json"], cancellationToken).ConfigureAwait(false);
        return new Outcome(step, wall, rc == 0 ? null : $"exit {rc}: {OneLine(stderr)}");
    }

    private async Task<(double WallMs, int ExitCode, string Stdout, string Stderr)> RunAsync(string home, string[] args, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(virtlab) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["VIRTLAB_HOME"] = home;
        var start = Stopwatch.GetTimestamp();
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + virtlab);
        var stdout = p.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = p.StandardError.ReadToEndAsync(cancellationToken);
        await p.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var wall = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        return (wall, p.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    private static string OneLine(string s)
    {
        var line = s.ReplaceLineEndings(" ").Trim();
        return line.Length > 300 ? line[..300] + "…" : line;
    }
}
