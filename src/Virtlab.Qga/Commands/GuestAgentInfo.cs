using System.Text.Json.Serialization;

namespace Virtlab.Qga;

/// <summary>Reply of <c>guest-info</c>.</summary>
/// <param name="Version">The agent's version, e.g. <c>10.0.2</c>.</param>
/// <param name="SupportedCommands">What the agent knows, and whether each is enabled.</param>
public sealed record GuestAgentInfo(
    string Version,
    [property: JsonPropertyName("supported_commands")] IReadOnlyList<GuestAgentCommandInfo> SupportedCommands);
