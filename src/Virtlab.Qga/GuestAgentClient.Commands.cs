using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Virtlab.Qga;

/// <summary>Typed agent commands, named after the wire.</summary>
public sealed partial class GuestAgentClient
{
    /// <summary><c>guest-ping</c>.</summary>
    public Task PingAsync(CancellationToken cancellationToken = default) =>
        ExecuteAsync("guest-ping", null, null, cancellationToken);

    /// <summary><c>guest-info</c>: the agent's version and commands.</summary>
    public Task<GuestAgentInfo> InfoAsync(CancellationToken cancellationToken = default) =>
        ExecuteAsync("guest-info", null, QgaJsonContext.Default.GuestAgentInfo, cancellationToken);

    /// <summary><c>guest-get-vcpus</c>: the guest's logical CPUs.</summary>
    public async Task<IReadOnlyList<GuestVcpu>> GetVcpusAsync(CancellationToken cancellationToken = default) =>
        await ExecuteAsync("guest-get-vcpus", null, QgaJsonContext.Default.ListGuestVcpu, cancellationToken);

    /// <summary><c>guest-set-vcpus</c>: onlines/offlines the given CPUs (only <c>logical-id</c> and <c>online</c>
    /// are sent). Returns how many were processed; the agent stops at the first failure.</summary>
    public async Task<int> SetVcpusAsync(IReadOnlyList<GuestVcpu> vcpus, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vcpus);
        var array = new JsonArray();
        foreach (var vcpu in vcpus)
        {
            array.Add(new JsonObject { ["logical-id"] = vcpu.LogicalId, ["online"] = vcpu.Online });
        }

        var value = await ExecuteAsync("guest-set-vcpus", new JsonObject { ["vcpus"] = array }, null, cancellationToken);
        return ReadValue<int>(value, "guest-set-vcpus");
    }

    /// <summary><c>guest-get-osinfo</c>.</summary>
    public Task<GuestOsInfo> GetOsInfoAsync(CancellationToken cancellationToken = default) =>
        ExecuteAsync("guest-get-osinfo", null, QgaJsonContext.Default.GuestOsInfo, cancellationToken);

    /// <summary><c>guest-get-time</c>: the guest's wall clock in nanoseconds since the Unix epoch.</summary>
    public async Task<long> GetTimeAsync(CancellationToken cancellationToken = default) =>
        ReadValue<long>(await ExecuteAsync("guest-get-time", null, null, cancellationToken), "guest-get-time");

    /// <summary><c>guest-set-time</c>: sets the guest clock to <paramref name="nanosecondsSinceEpoch"/>, or, when
    /// null, from the guest's RTC.</summary>
    public Task SetTimeAsync(long? nanosecondsSinceEpoch, CancellationToken cancellationToken = default)
    {
        var arguments = nanosecondsSinceEpoch is { } ns ? new JsonObject { ["time"] = ns } : null;
        return ExecuteAsync("guest-set-time", arguments, null, cancellationToken);
    }

    /// <summary><c>guest-get-host-name</c>.</summary>
    public async Task<string> GetHostNameAsync(CancellationToken cancellationToken = default)
    {
        var value = await ExecuteAsync("guest-get-host-name", null, null, cancellationToken);
        return ReadValue<string>((value as JsonObject)?["host-name"], "guest-get-host-name");
    }

    /// <summary><c>guest-shutdown</c>. The agent sends no reply: this returns once the request is written, and
    /// the next command resyncs (and will find the agent gone once the guest is down).</summary>
    public Task ShutdownAsync(GuestShutdownMode mode = GuestShutdownMode.Powerdown, CancellationToken cancellationToken = default)
    {
        var wire = mode switch
        {
            GuestShutdownMode.Halt => "halt",
            GuestShutdownMode.Reboot => "reboot",
            _ => "powerdown",
        };
        return ExecuteAsync("guest-shutdown", new JsonObject { ["mode"] = wire }, null, cancellationToken);
    }

    private async Task<T> ExecuteAsync<T>(string command, JsonObject? arguments, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        var value = await ExecuteAsync(command, arguments, null, cancellationToken);
        try
        {
            return value.Deserialize(typeInfo)
                ?? throw new GuestAgentException(GuestAgentErrorKind.ProtocolError, $"'{command}' returned null");
        }
        catch (JsonException e)
        {
            throw new GuestAgentException(
                GuestAgentErrorKind.ProtocolError,
                $"unexpected reply to '{command}': {e.Message}: {(value is null ? "null" : AgentMessages.Preview(value))}",
                e);
        }
    }

    private static T ReadValue<T>(JsonNode? value, string command)
    {
        if (value is JsonValue jsonValue && jsonValue.TryGetValue<T>(out var result))
        {
            return result;
        }

        throw new GuestAgentException(
            GuestAgentErrorKind.ProtocolError,
            $"unexpected reply to '{command}': {(value is null ? "null" : AgentMessages.Preview(value))}");
    }
}
