using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Serialization.Metadata;
using Virtlab.Api;

namespace Virtlab.Client;

/// <summary>
/// The CLI's only way to act: HTTP over the daemon's unix socket ($VIRTLAB_HOME/virtlabd.sock).
/// Starts the daemon on demand when nothing answers there.
/// </summary>
public sealed class DaemonClient : IDisposable
{
    private readonly HttpClient _http;

    public DaemonClient(DaemonPaths paths)
    {
        Paths = paths;
        var handler = new SocketsHttpHandler
        {
            // A unix socket to our own daemon: no proxy to look up in the environment, no cookies.
            UseProxy = false,
            UseCookies = false,
            ConnectCallback = async (_, ct) =>
            {
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await s.ConnectAsync(new UnixDomainSocketEndPoint(paths.DaemonSocket), ct).ConfigureAwait(false);
                    return new NetworkStream(s, ownsSocket: true);
                }
                catch
                {
                    s.Dispose();
                    throw;
                }
            },
        };
        _http = new HttpClient(handler) { BaseAddress = new Uri("http://virtlabd/"), Timeout = Timeout.InfiniteTimeSpan };
    }

    public DaemonPaths Paths { get; }

    public async Task<bool> IsRunningAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Paths.DaemonSocket))
        {
            return false;
        }

        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(TimeSpan.FromSeconds(5));
            using var r = await _http.GetAsync("v1/version", cts.Token).ConfigureAwait(false);
            return r.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Starts virtlabd in the background (its own session, stdio to its log) and waits until it answers.</summary>
    public async Task EnsureRunningAsync(CancellationToken cancellationToken) =>
        await EnsureRunningAsync([], cancellationToken).ConfigureAwait(false);

    /// <summary>As above, with extra daemon arguments (e.g. <c>--listen 127.0.0.1:PORT</c>) for a daemon this call starts.</summary>
    public async Task EnsureRunningAsync(IReadOnlyList<string> daemonArgs, CancellationToken cancellationToken)
    {
        if (await IsRunningAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var daemon = Paths.DaemonExecutable();
        var psi = new ProcessStartInfo(daemon)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // The daemon this client starts serves this client's home, whatever $VIRTLAB_HOME says (the lab runs several).
        psi.Environment["VIRTLAB_HOME"] = Paths.Home;
        psi.ArgumentList.Add("--detach");
        foreach (var a in daemonArgs)
        {
            psi.ArgumentList.Add(a);
        }
        using (var p = Process.Start(psi) ?? throw new DaemonCallException($"could not start the daemon {daemon}"))
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (DateTime.UtcNow < deadline)
            {
                if (await IsRunningAsync(cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                if (p.HasExited && p.ExitCode != 3)
                {
                    var why = File.Exists(Paths.DaemonLog) ? File.ReadLines(Paths.DaemonLog).LastOrDefault(l => l.Contains("cannot start: ", StringComparison.Ordinal)) : null;
                    throw new DaemonCallException(why is not null
                        ? $"the daemon {why[(why.IndexOf("cannot start: ", StringComparison.Ordinal) + 14)..]}: pick another address or stop what uses it"
                        : $"the daemon exited at start (status {p.ExitCode}): see {Paths.DaemonLog}");
                }

                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
        }

        throw new DaemonCallException($"the daemon did not answer on {Paths.DaemonSocket} within 30 s: see {Paths.DaemonLog}");
    }

    public async Task<T> GetAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var r = await SendAsync(ct => _http.GetAsync(path, ct), cancellationToken).ConfigureAwait(false);
        return await ReadAsync(r, type, cancellationToken).ConfigureAwait(false);
    }

    public async Task<T> PostAsync<TReq, T>(string path, TReq body, JsonTypeInfo<TReq> reqType, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var r = await SendAsync(ct => _http.PostAsJsonAsync(path, body, reqType, ct), cancellationToken).ConfigureAwait(false);
        return await ReadAsync(r, type, cancellationToken).ConfigureAwait(false);
    }

    public async Task PostAsync<TReq>(string path, TReq body, JsonTypeInfo<TReq> reqType, CancellationToken cancellationToken)
    {
        using var r = await SendAsync(ct => _http.PostAsJsonAsync(path, body, reqType, ct), cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(r, cancellationToken).ConfigureAwait(false);
    }

    public async Task PostAsync(string path, CancellationToken cancellationToken, bool ensureDaemon = true)
    {
        using var r = ensureDaemon
            ? await SendAsync(ct => _http.PostAsync(path, null, ct), cancellationToken).ConfigureAwait(false)
            : await _http.PostAsync(path, null, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(r, cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        using var r = await SendAsync(ct => _http.DeleteAsync(path, ct), cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(r, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>
    /// Sends the request straight away; only when nothing answers on the socket (no daemon, or a stale
    /// socket file) is the daemon started and the request sent again. A connection that was never made
    /// carried no request, so sending again is safe for every method. (Asking GET v1/version first on
    /// every call cost each command a second round trip: bench/cli.)
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(Func<CancellationToken, Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        try
        {
            return await send(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError && !cancellationToken.IsCancellationRequested)
        {
            await EnsureRunningAsync(cancellationToken).ConfigureAwait(false);
        }

        return await send(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage r, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(r, cancellationToken).ConfigureAwait(false);
        return await r.Content.ReadFromJsonAsync(type, cancellationToken).ConfigureAwait(false)
            ?? throw new DaemonCallException("the daemon sent an empty answer");
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage r, CancellationToken cancellationToken)
    {
        if (r.IsSuccessStatusCode)
        {
            return;
        }

        ErrorReply? error = null;
        try
        {
            error = await r.Content.ReadFromJsonAsync(ApiJsonContext.Default.ErrorReply, cancellationToken).ConfigureAwait(false);
        }
        catch (System.Text.Json.JsonException)
        {
        }

        throw new DaemonCallException(error?.Message ?? $"the daemon answered {(int)r.StatusCode} {r.StatusCode}", error?.Kind, r.StatusCode);
    }
}
