namespace Virtlab.Api;

// qemu-agent-command and qemu-monitor-command: a raw JSON request and the whole reply.

public sealed record JsonCommandRequest(string Command, int? TimeoutSeconds = null);

public sealed record JsonCommandReply(string Reply);
