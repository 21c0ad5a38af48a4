using System.Text;
using Virtlab.Qga;
using Virtlab.Qmp;

namespace Virtlab.Fuzz.Tests.Regressions;

/// <summary>The QMP and guest-agent reader crashes the fuzz tests found, one test each (docs/RELIABILITY.md).
/// Before the fix each threw something other than the reader's documented error, which in the running client
/// poisoned the connection as "the reader failed unexpectedly".</summary>
public sealed class ProtocolReaderFindingsTests
{
    [Theory]
    [InlineData(new byte[] { (byte)'{', (byte)'"', (byte)'e', (byte)'v', (byte)'e', (byte)'n', (byte)'t', (byte)'"', (byte)':', (byte)'"', 0xC3, (byte)'"', (byte)'}' })]
    [InlineData(new byte[] { (byte)'{', (byte)'"', (byte)'r', (byte)'e', (byte)'t', (byte)'u', (byte)'r', (byte)'n', (byte)'"', (byte)':', (byte)'1', (byte)',', (byte)'"', (byte)'i', (byte)'d', (byte)'"', (byte)':', (byte)'"', 0xFE, (byte)'"', (byte)'}' })]
    public void A_QMP_line_with_invalid_UTF8_in_a_string_is_a_protocol_error(byte[] line)
    {
        var e = Assert.Throws<QmpException>(() => QmpMessages.ParseObject(line));

        Assert.Equal(QmpErrorKind.ProtocolError, e.Kind);
        Assert.Contains("not valid UTF-8", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"event": "\udffd"}""")]
    [InlineData("""{"return": {}, "id": "\ud800"}""")]
    public void A_QMP_line_with_an_escaped_lone_surrogate_is_a_protocol_error(string line)
    {
        var e = Assert.Throws<QmpException>(() => QmpMessages.ParseObject(Encoding.UTF8.GetBytes(line)));

        Assert.Contains("not valid Unicode", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"return": {}, "return": 1}""")]
    [InlineData("""{"QMP": {"version": {"qemu": {"major": 10, "major": 9, "minor": 0, "micro": 2}}}}""")]
    public void A_QMP_line_with_a_key_twice_is_a_protocol_error(string line)
    {
        var e = Assert.Throws<QmpException>(() => QmpMessages.ParseObject(Encoding.UTF8.GetBytes(line)));

        Assert.Contains("Duplicate property", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"QMP": {"version": {"qemu": {"minor": 0, "micro": 2}}, "capabilities": []}}""")]
    [InlineData("""{"QMP": {"version": {"qemu": {"major": null, "minor": 0, "micro": 2}}, "capabilities": []}}""")]
    public void A_greeting_without_a_version_number_is_a_malformed_greeting(string line)
    {
        var e = Assert.Throws<QmpException>(() => QmpMessages.ParseGreeting(QmpMessages.ParseObject(Encoding.UTF8.GetBytes(line))));

        Assert.Contains("malformed QMP greeting", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_error_reply_whose_class_is_not_a_string_is_still_a_command_error()
    {
        var reply = QmpMessages.ParseObject("""{"error": {"class": 7, "desc": {"why": "x"}}, "id": "vl-1"}"""u8);

        var e = Assert.Throws<QmpCommandException>(() => QmpMessages.ReturnValueOrThrow(reply, "device_del"));

        Assert.Equal("7", e.ErrorClass);
        Assert.Contains("""{"why":"x"}""", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(999_999_999_999_999, 0)]
    [InlineData(1_795_626_054, long.MaxValue)]
    [InlineData(-1, -1)]
    public void An_event_with_a_timestamp_out_of_range_is_read_at_the_epoch(long seconds, long microseconds)
    {
        var line = $$"""{"timestamp": {"seconds": {{seconds}}, "microseconds": {{microseconds}}}, "event": "STOP"}""";

        Assert.True(QmpMessages.TryParseEvent(QmpMessages.ParseObject(Encoding.UTF8.GetBytes(line)), out var qmpEvent));

        Assert.Equal("STOP", qmpEvent!.Name);
        Assert.Equal(DateTimeOffset.UnixEpoch, qmpEvent.Timestamp);
    }

    [Theory]
    [InlineData(new byte[] { (byte)'{', (byte)'"', (byte)'r', (byte)'e', (byte)'t', (byte)'u', (byte)'r', (byte)'n', (byte)'"', (byte)':', (byte)'"', 0xC3, (byte)'"', (byte)'}' })]
    public void An_agent_line_with_invalid_UTF8_is_discarded_as_stray(byte[] line) =>
        Assert.Null(AgentMessages.TryParseObject(line));

    [Theory]
    [InlineData("""{"return": "\udffd", "id": "vl-3"}""")]
    [InlineData("""{"return": 1, "return": 2}""")]
    public void An_agent_line_with_a_lone_surrogate_or_a_key_twice_is_discarded_as_stray(string line) =>
        Assert.Null(AgentMessages.TryParseObject(Encoding.UTF8.GetBytes(line)));

    [Fact]
    public void An_agent_error_reply_whose_desc_is_not_a_string_is_still_a_command_error()
    {
        var reply = AgentMessages.TryParseObject("""{"error": {"class": "GenericError", "desc": 42}}"""u8.ToArray())!;

        var e = Assert.Throws<GuestAgentCommandException>(() => AgentMessages.ReturnValueOrThrow(reply, "guest-ping"));

        Assert.Contains("42", e.Message, StringComparison.Ordinal);
    }
}
