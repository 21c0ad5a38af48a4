namespace Virtlab.Lab.Scenarios;

/// <summary>The application under test.</summary>
/// <param name="Run">The command line as an argv (the first element is run from the run directory when it starts with ./).</param>
/// <param name="Files">Files copied into the run directory, in every world (into the guest through the agent's file calls).</param>
/// <param name="Build">A shell command run once on this machine, in the scenario's directory, before any world starts.</param>
/// <param name="Timeout">The longest the application may run; it is then killed (a verdict, not a lab failure).</param>
/// <param name="Ready">Optional: the output line that marks the application ready; event times count from it (else from its start).</param>
public sealed record AppSpec(
    IReadOnlyList<string> Run,
    IReadOnlyList<AppFile> Files,
    string? Build,
    TimeSpan Timeout,
    System.Text.RegularExpressions.Regex? Ready,
    IReadOnlyDictionary<string, string> Env);

/// <param name="Source">Full path on this machine.</param>
/// <param name="Name">File name in the run directory.</param>
public sealed record AppFile(string Source, string Name);
