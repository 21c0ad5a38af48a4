namespace Virtlab.Qga;

/// <summary>One line from the agent, with everything up to and including the last 0xFF delimiter removed.</summary>
/// <param name="Json">The bytes after the delimiter (normally one JSON document).</param>
/// <param name="Delimited">A 0xFF preceded it (the agent puts one before a <c>guest-sync-delimited</c> reply).</param>
internal sealed record AgentLine(byte[] Json, bool Delimited);
