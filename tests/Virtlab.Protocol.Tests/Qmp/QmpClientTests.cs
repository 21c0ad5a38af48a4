using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Virtlab.Qmp;

namespace Virtlab.Protocol.Tests.Qmp;

/// <summary>QmpClient against the fake QMP server scripted with QEMU 10.0.2's recorded replies.
/// Split by concern: .Connect, .Commands, .Failures, .Events, .Typed.</summary>
public sealed partial class QmpClientTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _log = new();
    private FakeQmpServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _server = FakeQmpServer.Start();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private QmpClientOptions Options(TimeSpan? commandTimeout = null, TimeSpan? greetingTimeout = null) => new()
    {
        CommandTimeout = commandTimeout ?? TimeSpan.FromSeconds(5),
        GreetingTimeout = greetingTimeout ?? TimeSpan.FromSeconds(2),
        Log = _log.Enqueue,
    };

    private Task<QmpClient> ConnectAsync(TimeSpan? commandTimeout = null) =>
        QmpClient.ConnectAsync(_server.SocketPath, Options(commandTimeout), Ct);

    /// <summary>The commands the fake received after the handshake, with their arguments.</summary>
    private IReadOnlyList<FakeQmpRequest> CommandsAfterHandshake() => [.. _server.Received.Skip(1)];

    private static JsonObject Event(string name, JsonObject data) => new()
    {
        ["timestamp"] = new JsonObject { ["seconds"] = 1795625438, ["microseconds"] = 286966 },
        ["event"] = name,
        ["data"] = data,
    };
}
