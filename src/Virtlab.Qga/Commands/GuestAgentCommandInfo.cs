namespace Virtlab.Qga;

/// <summary>One entry of <c>guest-info</c>'s <c>supported_commands</c>.</summary>
/// <param name="Name">The command name.</param>
/// <param name="Enabled">Whether this agent instance allows it.</param>
/// <param name="SuccessResponse">False for commands that send no reply on success (<c>guest-shutdown</c>, <c>guest-suspend-*</c>).</param>
public sealed record GuestAgentCommandInfo(string Name, bool Enabled, bool SuccessResponse);
