namespace Virtlab.Lab.Scenarios;

/// <summary>One thing wrong with a scenario, where it is: "worker-pool.yaml:14:5: events[1].setvcpus: ...".</summary>
/// <param name="Key">The key's path in the document: "worlds.vm.cpu[1]", "events[0].at", "app.files[2]".</param>
public sealed record ScenarioProblem(string File, int Line, int Column, string Key, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Key}: {Message}";
}

/// <summary>A scenario that cannot run; every problem is listed, and nothing was started.</summary>
public sealed class ScenarioException(IReadOnlyList<ScenarioProblem> problems)
    : Exception(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<ScenarioProblem> Problems { get; } = problems;
}
