using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Serialization.Metadata;
using Virtlab.Api;

namespace Virtlab.Engine.Peers;

/// <summary>
/// A daemon's connection to another host's daemon over its TCP API: mutual TLS (this host's certificate, and the
/// peer's checked against the shared CA and the address dialled), then the bearer token. Used by migration, and by
/// the cluster's placement and evacuation.
/// </summary>
public sealed class PeerClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly PeerCredentials _tls;
    private string? _serverProblem;

    public PeerClient(VirtlabUri uri, string token, PeerCredentials tls)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(tls);
        Uri = uri;
        _tls = tls;
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                ClientCertificates = [tls.Host],
                LocalCertificateSelectionCallback = (_, _, _, _, _) => tls.Host,
                RemoteCertificateValidationCallback = (_, certificate, _, _) => CheckServer(certificate),
            },
        };
        _http = new HttpClient(handler) { BaseAddress = uri.HttpBase, Timeout = TimeSpan.FromMinutes(5) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Trim());
    }

    public VirtlabUri Uri { get; }

    public Task<VersionInfo> VersionAsync(CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, "v1/version", null, ApiJsonContext.Default.VersionInfo, cancellationToken);

    public Task<IncomingReply> PrepareIncomingAsync(IncomingRequest request, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "v1/migration/incoming", JsonContent.Create(request, ApiJsonContext.Default.IncomingRequest), ApiJsonContext.Default.IncomingReply, cancellationToken);

    public Task<IncomingFinishReply> FinishIncomingAsync(string name, IncomingFinishRequest request, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"v1/migration/incoming/{System.Uri.EscapeDataString(name)}/finish", JsonContent.Create(request, ApiJsonContext.Default.IncomingFinishRequest), ApiJsonContext.Default.IncomingFinishReply, cancellationToken);

    public Task<IncomingStatus> IncomingStatusAsync(string name, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"v1/migration/incoming/{System.Uri.EscapeDataString(name)}", null, ApiJsonContext.Default.IncomingStatus, cancellationToken);

    /// <summary>Downloads <paramref name="mib"/> MiB from the destination daemon: what the path between the hosts carries, in MiB/s.</summary>
    public async Task<double> MeasureLinkAsync(int mib, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var r = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"v1/migration/linkprobe?mib={mib}"), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(r, cancellationToken).ConfigureAwait(false);
        await using var body = await r.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[1 << 20];
        long total = 0;
        int n;
        while ((n = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += n;
        }

        var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
        return total / (1024.0 * 1024.0) / Math.Max(seconds, 1e-3);
    }

    public async Task AbortIncomingAsync(string name, CancellationToken cancellationToken)
    {
        using var r = await Send(HttpMethod.Delete, $"v1/migration/incoming/{System.Uri.EscapeDataString(name)}", null, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(r, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>create on that host (the cluster's placement chose it).</summary>
    public Task<DomainInfo> CreateAsync(CreateRequest request, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "v1/domains", JsonContent.Create(request, ApiJsonContext.Default.CreateRequest), ApiJsonContext.Default.DomainInfo, cancellationToken);

    /// <summary>define on that host (the cluster's placement chose it).</summary>
    public Task<DomainSummary> DefineAsync(DefineRequest request, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "v1/domains/define", JsonContent.Create(request, ApiJsonContext.Default.DefineRequest), ApiJsonContext.Default.DomainSummary, cancellationToken);

    /// <summary>host evacuate's progress, asked of the host being emptied.</summary>
    public Task<HostEvacuationProgress> EvacuationAsync(string hostId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"v1/cluster/hosts/{System.Uri.EscapeDataString(hostId)}/evacuation", null, ApiJsonContext.Default.HostEvacuationProgress, cancellationToken);

    /// <summary>host evacuate, run by the host being emptied.</summary>
    public Task<HostEvacuateReply> EvacuateAsync(string hostId, HostEvacuateRequest request, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"v1/cluster/hosts/{System.Uri.EscapeDataString(hostId)}/evacuate", JsonContent.Create(request, ApiJsonContext.Default.HostEvacuateRequest), ApiJsonContext.Default.HostEvacuateReply, cancellationToken);

    public void Dispose() => _http.Dispose();

    private async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? body, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var r = await Send(method, path, body, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(r, cancellationToken).ConfigureAwait(false);
        return await r.Content.ReadFromJsonAsync(type, cancellationToken).ConfigureAwait(false)
            ?? throw new VirtlabException(ErrorKind.Internal, $"the destination {Uri} sent an empty answer to {path}");
    }

    private async Task<HttpResponseMessage> Send(HttpMethod method, string path, HttpContent? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body };
        try
        {
            return await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (_serverProblem is { } problem)
        {
            throw new VirtlabException(
                ErrorKind.Unsupported,
                $"refusing the destination {Uri} at the TLS handshake: {problem}. Hosts that call each other need certificates from one CA (--tls-dir / VIRTLAB_TLS_DIR, docs/SECURITY.md)",
                e);
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.SecureConnectionError || e.InnerException is AuthenticationException or IOException)
        {
            throw new VirtlabException(
                ErrorKind.Unsupported,
                $"the destination {Uri} refused this host at the TLS handshake ({e.InnerException?.Message ?? e.Message}): it takes only clients with a certificate from its CA; " +
                "hosts that call each other need certificates from one CA (--tls-dir / VIRTLAB_TLS_DIR, docs/SECURITY.md)",
                e);
        }
        catch (HttpRequestException e)
        {
            throw new VirtlabException(ErrorKind.Unsupported, $"cannot reach the destination {Uri} ({e.Message}): is its daemon started with 'virtlab daemon start --listen {Uri.Host}:{Uri.Port}'?", e);
        }
    }

    private bool CheckServer(X509Certificate? certificate)
    {
        if (certificate is not X509Certificate2 cert)
        {
            _serverProblem = "it sent no certificate";
            return false;
        }

        _serverProblem = _tls.ServerProblem(cert, Uri.Host);
        return _serverProblem is null;
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage r, CancellationToken cancellationToken)
    {
        if (r.IsSuccessStatusCode)
        {
            return;
        }

        if (r.StatusCode == HttpStatusCode.Unauthorized)
        {
            throw new VirtlabException(ErrorKind.InvalidInput, $"the destination {Uri} refused the token: pass --token-file with a copy of that host's $VIRTLAB_HOME/token");
        }

        ErrorReply? error = null;
        try
        {
            error = await r.Content.ReadFromJsonAsync(ApiJsonContext.Default.ErrorReply, cancellationToken).ConfigureAwait(false);
        }
        catch (System.Text.Json.JsonException)
        {
        }

        var kind = error is not null && Enum.TryParse<ErrorKind>(error.Kind, out var k) ? k : ErrorKind.Internal;
        var details = error is { Errors.Count: > 0 } ? " (" + string.Join("; ", error.Errors.Select(e => e.Message)) + ")" : string.Empty;
        throw new VirtlabException(kind, $"destination {Uri}: {error?.Message ?? $"HTTP {(int)r.StatusCode}"}{details}");
    }
}
