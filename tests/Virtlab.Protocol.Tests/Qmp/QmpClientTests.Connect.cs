using System.Diagnostics;
using Virtlab.Qmp;

namespace Virtlab.Protocol.Tests.Qmp;

public sealed partial class QmpClientTests
{
    [Fact]
    public async Task Given_QEMU_greets_When_connecting_Then_the_greeting_is_parsed_and_qmp_capabilities_is_sent_first()
    {
        await using var client = await ConnectAsync();

        Assert.Equal(new QemuVersion(10, 0, 2, "Debian 1:10.0.2+ds-2+deb13u1~bpo12+1"), client.Greeting.QemuVersion);
        Assert.Equal(["oob"], client.Greeting.Capabilities);
        var first = Assert.Single(_server.Received);
        Assert.Equal("qmp_capabilities", first.Command);
        Assert.Null(first.Arguments);
        Assert.True(client.IsConnected);
        Assert.False(client.Completion.IsCompleted);
    }

    [Fact]
    public async Task Given_another_client_holds_the_monitor_When_a_second_client_connects_Then_it_fails_with_GreetingTimeout_naming_the_reason()
    {
        await using var first = await ConnectAsync();
        var started = Stopwatch.GetTimestamp();

        var error = await Assert.ThrowsAsync<QmpException>(() => QmpClient.ConnectAsync(
            _server.SocketPath, Options(greetingTimeout: TimeSpan.FromMilliseconds(300)), Ct));

        Assert.Equal(QmpErrorKind.GreetingTimeout, error.Kind);
        Assert.Contains("another client", error.Message, StringComparison.Ordinal);
        Assert.Contains("300 ms", error.Message, StringComparison.Ordinal);
        Assert.True(error.IsTransient);
        Assert.InRange(Stopwatch.GetElapsedTime(started), TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(3));
        Assert.Equal(2, _server.Connections);
        Assert.True(first.IsConnected);
    }

    [Fact]
    public async Task Given_no_socket_at_the_path_When_connecting_Then_it_fails_with_a_transient_ConnectFailed()
    {
        var missing = _server.SocketPath + ".missing";

        var error = await Assert.ThrowsAsync<QmpException>(() => QmpClient.ConnectAsync(missing, Options(), Ct));

        Assert.Equal(QmpErrorKind.ConnectFailed, error.Kind);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task Given_the_first_line_is_not_a_greeting_When_connecting_Then_it_fails_with_ProtocolError()
    {
        _server.SendGreeting = false;
        var connecting = QmpClient.ConnectAsync(_server.SocketPath, Options(), Ct);
        await WaitUntilAsync(() => _server.Connections == 1);
        await _server.SendLineAsync("""{"return": {}}""");

        var error = await Assert.ThrowsAsync<QmpException>(() => connecting);

        Assert.Equal(QmpErrorKind.ProtocolError, error.Kind);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var started = Stopwatch.GetTimestamp();
        while (!condition())
        {
            Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(5), "condition not reached within 5 s");
            await Task.Delay(10, Ct);
        }
    }
}
