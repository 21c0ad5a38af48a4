using Virtlab.Qga;

namespace Virtlab.Protocol.Tests.Qga;

public sealed class GuestAgentExceptionTests
{
    [Theory]
    [InlineData(GuestAgentErrorKind.ConnectFailed, true)]
    [InlineData(GuestAgentErrorKind.Unresponsive, true)]
    [InlineData(GuestAgentErrorKind.ExecTimeout, true)]
    [InlineData(GuestAgentErrorKind.ConnectionLost, false)]
    [InlineData(GuestAgentErrorKind.CommandError, false)]
    [InlineData(GuestAgentErrorKind.ProtocolError, false)]
    public void Given_a_kind_Then_IsTransient_says_whether_retrying_unchanged_may_help(GuestAgentErrorKind kind, bool transient)
    {
        Assert.Equal(transient, new GuestAgentException(kind, "x").IsTransient);
    }
}
