using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Virtlab.Qmp;

public sealed partial class QmpClient
{
    /// <summary>Runs a command and maps its <c>return</c> value to <typeparamref name="T"/>.</summary>
    private async Task<T> ExecuteAsync<T>(string command, JsonObject? arguments, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        var value = await ExecuteAsync(command, arguments, null, cancellationToken);
        return Convert(value, typeInfo, command);
    }

    private static T Convert<T>(JsonNode? value, JsonTypeInfo<T> typeInfo, string command)
    {
        try
        {
            return value.Deserialize(typeInfo)
                ?? throw new QmpException(QmpErrorKind.ProtocolError, $"'{command}' returned null");
        }
        catch (JsonException e)
        {
            throw new QmpException(
                QmpErrorKind.ProtocolError,
                $"unexpected reply to '{command}': {e.Message}: {(value is null ? "null" : QmpMessages.Preview(value))}",
                e);
        }
    }
}
