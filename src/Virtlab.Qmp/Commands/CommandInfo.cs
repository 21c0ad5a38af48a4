namespace Virtlab.Qmp;

/// <summary>One entry of <c>query-commands</c>.</summary>
/// <param name="Name">The command name as on the wire.</param>
public sealed record CommandInfo(string Name);
