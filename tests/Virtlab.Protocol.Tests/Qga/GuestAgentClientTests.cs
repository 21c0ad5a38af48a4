using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Virtlab.Qga;

namespace Virtlab.Protocol.Tests.Qga;

/// <summary>GuestAgentClient against the fake agent scripted with qemu-ga 10.0.2's recorded replies.
/// Split by concern: .Sync, .Failures, .Commands.</summary>
public sealed partial class GuestAgentClientTests : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _log = new();
    private FakeGuestAgent? _agent;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }
    }

    private GuestAgentOptions Options(TimeSpan? syncTimeout = null, TimeSpan? commandTimeout = null) => new()
    {
        SyncTimeout = syncTimeout ?? TimeSpan.FromSeconds(5),
        CommandTimeout = commandTimeout ?? TimeSpan.FromSeconds(5),
        SyncRetryInterval = TimeSpan.FromMilliseconds(100),
        Log = _log.Enqueue,
    };

    /// <summary>Starts the fake agent (scripted by <paramref name="script"/>) and connects a client to it.</summary>
    private async Task<GuestAgentClient> ConnectAsync(
        FakeAgentState state = FakeAgentState.Running,
        GuestAgentOptions? options = null,
        Action<FakeGuestAgent>? script = null)
    {
        _agent = FakeGuestAgent.Start(state);
        script?.Invoke(_agent);
        return await GuestAgentClient.ConnectAsync(_agent.SocketPath, options ?? Options(), Ct);
    }

    private FakeGuestAgent Agent => _agent!;

    private static JsonObject Reply(JsonNode value) => new() { ["return"] = value };
}
