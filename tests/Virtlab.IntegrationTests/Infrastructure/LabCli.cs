using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Virtlab.IntegrationTests.Infrastructure;

/// <summary>
/// <c>./virtlab lab ...</c> as a user runs it, with report directories in a temp dir of this test's own. The lab
/// starts its own lab hosts (daemons with homes /tmp/vlabN-*); <see cref="LeftoverProcesses"/> finds any process of
/// theirs still alive after a run (there must be none).
/// </summary>
public sealed class LabCli : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("vl-lab-").FullName;

    public string Report(string name) => Path.Combine(Root, name);

    public async Task<CliResult> RunAsync(TimeSpan timeout, params string[] args)
    {
        using var p = Start(args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"virtlab lab {string.Join(' ', args)} did not finish within {timeout}: {await stdout}");
        }

        return new CliResult(p.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts <c>virtlab lab ARGS</c> without waiting (the interrupt test signals it).</summary>
    public Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo(Path.Combine(Requirements.RepoRoot, "virtlab"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Root,
        };
        psi.ArgumentList.Add("lab");
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["VIRTLAB_HOME"] = Path.Combine(Root, "home");
        return Process.Start(psi)!;
    }

    public static JsonNode Results(string report) => JsonNode.Parse(File.ReadAllText(Path.Combine(report, "results.json")))!;

    public static JsonNode World(JsonNode results, string id) =>
        results["worlds"]!.AsArray().FirstOrDefault(w => w!["id"]!.GetValue<string>() == id)
        ?? throw new Xunit.Sdk.XunitException($"no world '{id}' in results.json; there are: {string.Join(", ", results["worlds"]!.AsArray().Select(w => w!["id"]))}");

    public static JsonNode Check(JsonNode world, string name) =>
        world["checks"]!.AsArray().FirstOrDefault(c => c!["name"]!.GetValue<string>() == name)
        ?? throw new Xunit.Sdk.XunitException($"no check '{name}' in world {world["id"]}; there are: {string.Join(", ", world["checks"]!.AsArray().Select(c => c!["name"]))}");

    /// <summary>Processes (QEMU, daemons) of a lab host, by their command lines naming a lab host's home.</summary>
    public static IReadOnlyList<string> LeftoverProcesses()
    {
        var found = new List<string>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.Contains("/tmp/vlab", StringComparison.Ordinal) || (cmdline.Contains("virtlabd", StringComparison.Ordinal) && File.ReadAllText(Path.Combine(dir, "environ")).Contains("VIRTLAB_HOME=/tmp/vlab", StringComparison.Ordinal)))
                {
                    found.Add($"{pid}: {cmdline}");
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return found;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
