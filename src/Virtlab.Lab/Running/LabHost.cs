using System.Net;
using System.Net.Sockets;
using Virtlab.Api;
using Virtlab.Client;

namespace Virtlab.Lab.Running;

/// <summary>
/// One Virtlab host the lab starts for itself: a daemon with its own $VIRTLAB_HOME (a short temp directory, so the
/// unix socket path fits), listening on a 127.0.0.1 port with its token when the scenario migrates. Disposing it
/// destroys every domain on it, stops the daemon, and kills by PID any QEMU it had started that is still there.
/// </summary>
internal sealed class LabHost : IAsyncDisposable
{
    private readonly HashSet<int> _qemuPids = [];

    private LabHost(int number, string home)
    {
        Number = number;
        Home = home;
        Client = new DaemonClient(new DaemonPaths(home));
    }

    public int Number { get; }

    public string Home { get; }

    public DaemonClient Client { get; }

    /// <summary>virtlab+tcp://127.0.0.1:PORT when it listens (a migration destination), else null.</summary>
    public string? Uri { get; private set; }

    public string Token { get; private set; } = string.Empty;

    /// <summary>Starts host <paramref name="number"/>'s daemon, listening on a free port when <paramref name="listen"/>,
    /// with its TLS certificate issued from <paramref name="caDir"/> (null: the CA it makes under its home).</summary>
    public static async Task<LabHost> StartAsync(int number, bool listen, string? caDir, CancellationToken ct)
    {
        var home = Directory.CreateTempSubdirectory($"vlab{number}-").FullName;
        File.SetUnixFileMode(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var host = new LabHost(number, home);
        string[] args = [];
        if (listen)
        {
            var port = FreePort();
            args = caDir is null ? ["--listen", $"127.0.0.1:{port}"] : ["--listen", $"127.0.0.1:{port}", "--tls-dir", caDir];
            host.Uri = $"virtlab+tcp://127.0.0.1:{port}";
        }

        try
        {
            await host.Client.EnsureRunningAsync(args, ct).ConfigureAwait(false);
            if (listen)
            {
                host.Token = (await File.ReadAllTextAsync(Path.Combine(home, "token"), ct).ConfigureAwait(false)).Trim();
            }
        }
        catch (DaemonCallException e)
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw new LabWorldException($"lab host {number} could not start its daemon: {e.Message}", e);
        }

        return host;
    }

    /// <summary>Remembers a domain's QEMU PID, to kill it by PID if the daemon could not destroy it.</summary>
    public void Track(int? pid)
    {
        if (pid is { } p)
        {
            lock (_qemuPids)
            {
                _qemuPids.Add(p);
            }
        }
    }

    public async Task DestroyAsync(string domain)
    {
        var path = $"v1/domains/{System.Uri.EscapeDataString(domain)}";
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await Client.PostAsync($"{path}/destroy", cts.Token, ensureDaemon: false).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DaemonCallException or HttpRequestException or OperationCanceledException)
        {
            // Already gone (migrated away, never started): nothing to destroy.
        }

        try
        {
            await Client.DeleteAsync(path, cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DaemonCallException or HttpRequestException or OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            if (await Client.IsRunningAsync(cts.Token).ConfigureAwait(false))
            {
                var domains = await Client.GetAsync("v1/domains?all=true", ApiJsonContext.Default.IReadOnlyListDomainSummary, cts.Token).ConfigureAwait(false);
                foreach (var d in domains)
                {
                    await DestroyAsync(d.Name).ConfigureAwait(false);
                }

                var v = await Client.GetAsync("v1/version", ApiJsonContext.Default.VersionInfo, cts.Token).ConfigureAwait(false);
                await Client.PostAsync("v1/daemon/stop", cts.Token, ensureDaemon: false).ConfigureAwait(false);
                while (!cts.IsCancellationRequested && File.Exists($"/proc/{v.DaemonPid}/stat"))
                {
                    await Task.Delay(50, cts.Token).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is DaemonCallException or HttpRequestException or OperationCanceledException or IOException)
        {
            // The daemon is gone or does not answer: what it left is killed below, by PID.
        }

        lock (_qemuPids)
        {
            foreach (var pid in _qemuPids)
            {
                try
                {
                    using var p = System.Diagnostics.Process.GetProcessById(pid);
                    if (p.ProcessName.StartsWith("qemu-system", StringComparison.Ordinal))
                    {
                        p.Kill();
                    }
                }
                catch (ArgumentException)
                {
                    // Not running any more.
                }
            }
        }

        Client.Dispose();
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
