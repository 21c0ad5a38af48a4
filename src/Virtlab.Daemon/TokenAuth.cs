using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Connections.Features;
using Virtlab.Api;

namespace Virtlab.Daemon;

/// <summary>
/// Every request that arrives over TCP must carry <c>Authorization: Bearer TOKEN</c> with the token
/// in $VIRTLAB_HOME/token (0600), or, on a host in a cluster, the cluster's token (the hosts' calls to each other);
/// the unix socket is already owner-only. Compared in constant time.
/// </summary>
internal sealed class TokenAuth(RequestDelegate next, DaemonToken token, Func<string?> clusterToken)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (IsUnixSocket(context) || token.Matches(authorization) || (clusterToken() is { } shared && DaemonToken.Matches(authorization, shared)))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = 401;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        await context.Response.WriteAsJsonAsync(
            new ErrorReply("Unauthorized", "this Virtlab host needs its token: pass --token-file with a copy of the host's $VIRTLAB_HOME/token", []),
            ApiJsonContext.Default.ErrorReply).ConfigureAwait(false);
    }

    /// <summary>Only a connection with no IP endpoint (the unix socket: Kestrel leaves the IP null) skips the token.</summary>
    private static bool IsUnixSocket(HttpContext context) =>
        context.Connection.LocalIpAddress is null && context.Connection.RemoteIpAddress is null &&
        context.Features.Get<IConnectionEndPointFeature>()?.LocalEndPoint is null or UnixDomainSocketEndPoint;
}

/// <summary>The daemon's random API token, created once per $VIRTLAB_HOME.</summary>
internal sealed class DaemonToken
{
    private readonly byte[] _expected;

    private DaemonToken(string value)
    {
        Value = value;
        _expected = Encoding.ASCII.GetBytes("Bearer " + value);
    }

    public string Value { get; }

    public static DaemonToken LoadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            var existing = File.ReadAllText(path).Trim();
            if (existing.Length >= 32)
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                return new DaemonToken(existing);
            }
        }

        var value = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        using (var f = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            f.Write(Encoding.ASCII.GetBytes(value + "\n"));
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return new DaemonToken(value);
    }

    public bool Matches(string authorization) => Equal(authorization, _expected);

    /// <summary>Whether an Authorization header carries <paramref name="token"/>, in constant time.</summary>
    public static bool Matches(string authorization, string token) => Equal(authorization, Encoding.ASCII.GetBytes("Bearer " + token));

    private static bool Equal(string authorization, byte[] expected)
    {
        var given = Encoding.ASCII.GetBytes(authorization);
        return given.Length == expected.Length && CryptographicOperations.FixedTimeEquals(given, expected);
    }
}
