using System.CommandLine;

namespace Virtlab.Cli;

/// <summary>Runs a command body with a daemon client and turns every failure into one stderr line and exit 1.</summary>
internal static class CommandRunner
{
    public static void Handle(this Command command, Func<ParseResult, DaemonClient, CancellationToken, Task> body)
    {
        command.SetAction(async (parse, ct) =>
        {
            using var client = new DaemonClient(new DaemonPaths());
            try
            {
                await body(parse, client, ct).ConfigureAwait(false);
                return 0;
            }
            catch (CliException e)
            {
                await Console.Error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
                return 1;
            }
            catch (DaemonCallException e)
            {
                await Console.Error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
                return 1;
            }
            catch (HttpRequestException e)
            {
                await Console.Error.WriteLineAsync($"error: lost the connection to the daemon ({e.Message}): see {client.Paths.DaemonLog}").ConfigureAwait(false);
                return 1;
            }
            catch (IOException e)
            {
                await Console.Error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
                return 1;
            }
        });
    }

    public static Option<bool> JsonOption() => new("--json") { Description = "print JSON instead of text" };
}
