using System.Diagnostics;
using Virtlab.Lab.Results;
using Virtlab.Lab.Scenarios;

namespace Virtlab.Lab.Console;

/// <summary>The lab's progress as plain lines with the elapsed time: for logs, pipes and CI.</summary>
internal sealed class LineProgress(TextWriter output) : ILabProgress
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _lock = new();

    public void Start(IReadOnlyList<WorldSpec> worlds, IReadOnlyDictionary<string, WorldRun> kept)
    {
        Write($"{worlds.Count} world{(worlds.Count == 1 ? string.Empty : "s")}"
            + (kept.Count > 0 ? $", {kept.Count} kept from the earlier run ({string.Join(", ", kept.Keys)})" : string.Empty));
    }

    public void Note(string message) => Write(message);

    public void Update(string worldId, string state) => Write($"{worldId}: {state}");

    public void Done(string worldId, WorldRun run) =>
        Write($"{worldId}: {VerdictText.Word(run.Verdict)}" + (run.Error is { } e ? $": {e}" : string.Empty));

    public void Stop()
    {
    }

    private void Write(string line)
    {
        lock (_lock)
        {
            output.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:0.0}s] {line}");
        }
    }
}
