using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Virtlab.Cli.Commands;

/// <summary>
/// virtlab lab ...: the lab is a program of its own (virtlab-lab: YAML, plots, progress display), so that this CLI stays
/// small and quick; this command hands it every argument and its terminal, and exits with its status.
/// </summary>
internal static class LabCommands
{
    public static Command Lab()
    {
        var rest = new Argument<string[]>("ARGS") { Arity = ArgumentArity.ZeroOrMore, Description = "run | downtime | examples, and their options ('virtlab lab --help')" };
        var cmd = new Command("lab", "test an application on this machine and across a matrix of VMs, with events during the run (docs/LAB.md)") { rest };
        cmd.TreatUnmatchedTokensAsErrors = false;
        cmd.SetAction((parse, _) => RunAsync([.. parse.GetValue(rest) ?? [], .. parse.UnmatchedTokens]));
        return cmd;
    }

    /// <summary>Runs virtlab-lab with <paramref name="args"/> (everything after 'lab', --help included) and returns its exit status.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var lab = LabExecutable();
        if (lab is null)
        {
            await Console.Error.WriteLineAsync("error: cannot find virtlab-lab: set VIRTLAB_LAB, or run ./virtlab from the repository (it builds it)").ConfigureAwait(false);
            return 1;
        }

        var psi = new ProcessStartInfo(lab) { UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        // A signal to this process is passed on to the lab (a Ctrl-C on a terminal reaches both: the lab takes a second
        // one as the same request), which destroys what it started and exits; this process waits for it.
        using var p = Process.Start(psi)!;
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => Forward(c, p, "INT"));
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => Forward(c, p, "TERM"));
        await p.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        return p.ExitCode;
    }

    private static void Forward(PosixSignalContext context, Process lab, string signal)
    {
        context.Cancel = true;
        var kill = new ProcessStartInfo("/bin/kill") { UseShellExecute = false };
        foreach (var a in new[] { "-s", signal, lab.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            kill.ArgumentList.Add(a);
        }

        using var k = Process.Start(kill);
        k?.WaitForExit();
    }

    /// <summary>$VIRTLAB_LAB, else virtlab-lab beside this program or in the build's lab/ directory.</summary>
    private static string? LabExecutable()
    {
        var env = Environment.GetEnvironmentVariable("VIRTLAB_LAB");
        if (!string.IsNullOrEmpty(env))
        {
            return env;
        }

        var here = AppContext.BaseDirectory;
        return new[] { Path.Combine(here, "virtlab-lab"), Path.Combine(here, "..", "lab", "virtlab-lab") }
            .Where(File.Exists).Select(Path.GetFullPath).FirstOrDefault();
    }
}
