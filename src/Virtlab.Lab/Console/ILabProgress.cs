using Virtlab.Lab.Results;
using Virtlab.Lab.Scenarios;

namespace Virtlab.Lab.Console;

/// <summary>What a lab run tells the person watching it: each world's state as it goes, and notes between.</summary>
internal interface ILabProgress
{
    /// <summary>The worlds of the run; <paramref name="kept"/> are those --resume already has.</summary>
    void Start(IReadOnlyList<WorldSpec> worlds, IReadOnlyDictionary<string, WorldRun> kept);

    void Note(string message);

    /// <summary>A world's state: preparing, booting, running, "setvcpus 4 --live", checking.</summary>
    void Update(string worldId, string state);

    void Done(string worldId, WorldRun run);

    void Stop();

    /// <summary>A Spectre.Console live table on a terminal, one line per change otherwise (CI logs, pipes).</summary>
    public static ILabProgress ForConsole() =>
        Spectre.Console.AnsiConsole.Profile.Capabilities.Interactive && !System.Console.IsOutputRedirected
            ? new LiveProgress()
            : new LineProgress(System.Console.Out);
}
