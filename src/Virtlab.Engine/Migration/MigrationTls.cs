using System.Globalization;
using System.Text.Json.Nodes;
using Virtlab.Qmp;

namespace Virtlab.Engine.Migration;

/// <summary>
/// The migration stream over TLS: QEMU's <c>tls-creds-x509</c> object on both ends over the host's credentials
/// directory (<c>$VIRTLAB_HOME/tls</c>: the shared CA, this host's certificate and key), <c>endpoint=server</c> on
/// the destination and <c>client</c> on the source, both with <c>verify-peer=on</c> (mutual TLS), named by the
/// <c>tls-creds</c> migration parameter; the source checks the destination's certificate against <c>tls-hostname</c>.
/// </summary>
internal static class MigrationTls
{
    public const string IncomingCredsId = "vl-tls-in";

    private static long _sequence;

    /// <summary>Destination, before migrate-incoming: server credentials and <c>tls-creds</c>; returns what QEMU reports.</summary>
    public static async Task<string?> ListenWithAsync(QmpClient qmp, string dir, CancellationToken cancellationToken)
    {
        await qmp.ObjectAddAsync("tls-creds-x509", IncomingCredsId, Properties(dir, "server"), cancellationToken).ConfigureAwait(false);
        await qmp.MigrateSetParametersAsync(new JsonObject { ["tls-creds"] = IncomingCredsId }, cancellationToken).ConfigureAwait(false);
        return await ReadCredsAsync(qmp, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Source: client credentials, a new object per migration (QEMU reads the files when it is added); returns its id.</summary>
    public static async Task<string> AddClientAsync(QmpClient qmp, string dir, CancellationToken cancellationToken)
    {
        var id = string.Create(CultureInfo.InvariantCulture, $"vl-tls-out{Interlocked.Increment(ref _sequence)}-{Environment.TickCount64}");
        await qmp.ObjectAddAsync("tls-creds-x509", id, Properties(dir, "client"), cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <summary>The migration parameters: TLS on with these credentials and the destination's name, or explicitly off.</summary>
    public static void SetParameters(JsonObject parameters, string? credsId, string? hostname)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        parameters["tls-creds"] = credsId ?? string.Empty;
        parameters["tls-hostname"] = credsId is null ? string.Empty : hostname;
    }

    /// <summary><c>query-migrate-parameters</c>' <c>tls-creds</c>: what QEMU will really use (empty or null: plain TCP).</summary>
    public static async Task<string?> ReadCredsAsync(QmpClient qmp, CancellationToken cancellationToken)
    {
        var p = await qmp.ExecuteAsync("query-migrate-parameters", null, null, cancellationToken).ConfigureAwait(false) as JsonObject;
        return p?["tls-creds"]?.GetValue<string>() is { Length: > 0 } creds ? creds : null;
    }

    /// <summary>One line for the report: which transport the stream used, as both QEMUs reported it.</summary>
    public static string Describe(string? sourceCreds, string? destinationCreds, string? hostname) =>
        sourceCreds is null
            ? "plain TCP (--no-tls): the memory stream is not encrypted"
            : $"TLS (mutual, x509): source tls-creds '{sourceCreds}' (tls-hostname {hostname}), destination tls-creds '{destinationCreds ?? "none"}'";

    private static JsonObject Properties(string dir, string endpoint) => new()
    {
        ["dir"] = dir,
        ["endpoint"] = endpoint,
        ["verify-peer"] = true,
    };
}
