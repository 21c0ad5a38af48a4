using System.Text.Json.Nodes;

namespace Virtlab.Testing.Fakes;

/// <summary>A request the fake QMP server received, and the means to answer it.</summary>
public sealed class FakeQmpRequest
{
    private readonly FakeQmpServer.Connection _connection;

    public FakeQmpRequest(JsonObject request, FakeQmpServer.Connection connection)
    {
        Request = request;
        _connection = connection;
    }

    public JsonObject Request { get; }

    public string Command => Request["execute"]?.GetValue<string>() ?? string.Empty;

    public JsonNode? Id => Request["id"];

    public JsonObject? Arguments => Request["arguments"] as JsonObject;

    /// <summary>Sends <paramref name="reply"/> with this request's id (replacing any recorded id).</summary>
    public Task ReplyAsync(JsonObject reply)
    {
        var copy = reply.DeepClone().AsObject();
        copy.Remove("id");
        if (Id is not null)
        {
            copy["id"] = Id.DeepClone();
        }

        return _connection.SendLineAsync(copy.ToJsonString());
    }

    /// <summary>Answers with the recorded reply <c>Recorded/qmp/{name}.json</c>.</summary>
    public Task ReplyRecordedAsync(string name) => ReplyAsync(Recorded.Qmp(name));

    /// <summary>Closes the connection this request came on (as QEMU does after <c>quit</c>).</summary>
    public void CloseConnection() => _connection.Close();

    public Task ReplyErrorAsync(string errorClass, string description) =>
        ReplyAsync(new JsonObject { ["error"] = new JsonObject { ["class"] = errorClass, ["desc"] = description } });
}
