using System.Net.Sockets;
using Microsoft.AspNetCore.Connections.Features;
using Virtlab.Api;
using Virtlab.Engine.Peers;

namespace Virtlab.Daemon;

/// <summary>
/// Every request that arrives over TCP has passed mutual TLS (Kestrel refused any client without a certificate from
/// this host's CA in the handshake); it must then carry <c>Authorization: Bearer TOKEN</c> with the token in
/// $VIRTLAB_HOME/token (0600), or, on a host in a cluster, the cluster's token (the hosts' calls to each other):
/// the second factor. Compared in constant time (<see cref="PeerToken.Equal"/>). The unix socket is owner-only.
/// </summary>
internal sealed class TokenAuth(RequestDelegate next, PeerToken token, Func<string?> clusterToken)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        var unix = IsUnixSocket(context);
        if (!unix && context.Connection.ClientCertificate is null)
        {
            // Not reachable through Kestrel's RequireCertificate; kept so that the rule does not hang on one setting.
            context.Abort();
            return;
        }

        if (unix || token.Matches(authorization) || (clusterToken() is { } shared && PeerToken.Matches(authorization, shared)))
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
