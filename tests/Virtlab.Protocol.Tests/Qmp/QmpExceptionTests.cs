using Virtlab.Qmp;

namespace Virtlab.Protocol.Tests.Qmp;

public sealed class QmpExceptionTests
{
    [Theory]
    [InlineData(QmpErrorKind.ConnectFailed, true)]
    [InlineData(QmpErrorKind.GreetingTimeout, true)]
    [InlineData(QmpErrorKind.Timeout, true)]
    [InlineData(QmpErrorKind.ConnectionLost, false)]
    [InlineData(QmpErrorKind.ExecInterrupted, false)]
    [InlineData(QmpErrorKind.ProtocolError, false)]
    [InlineData(QmpErrorKind.CommandError, false)]
    public void Given_a_kind_Then_IsTransient_says_whether_retrying_unchanged_may_help(QmpErrorKind kind, bool transient)
    {
        Assert.Equal(transient, new QmpException(kind, "x").IsTransient);
    }

    [Fact]
    public void Given_an_error_reply_Then_the_command_exception_message_names_command_class_and_description()
    {
        var error = new QmpCommandException("device_del", "GenericError", "Boot CPU is unpluggable");

        Assert.Equal("QMP command 'device_del' failed: GenericError: Boot CPU is unpluggable", error.Message);
        Assert.Equal(QmpErrorKind.CommandError, error.Kind);
    }
}
