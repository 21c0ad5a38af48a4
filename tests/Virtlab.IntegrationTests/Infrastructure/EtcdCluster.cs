using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Virtlab.IntegrationTests.Infrastructure;

/// <summary>
/// A real etcd cluster for a test: N members (Debian's etcd-server) on 127.0.0.1 with free ports and temp data dirs,
/// started from argv lists (no shell), waited for until every member reports healthy. Dispose stops every member by
/// PID and deletes the data. Never uses port 2379 or a system etcd.
/// </summary>
public sealed class EtcdCluster : IAsyncDisposable
{
    private readonly List<Member> _members = [];
    private readonly string _root;

    private EtcdCluster(string root)
    {
        _root = root;
    }

    /// <summary>The client URLs of every member, as --etcd takes them.</summary>
    public string Endpoints => string.Join(",", _members.Select(m => m.ClientUrl));

    public IReadOnlyList<string> ClientUrls => _members.Select(m => m.ClientUrl).ToList();

    /// <summary>
    /// Starts <paramref name="size"/> members and waits until each answers /health with true. Clients reach them at
    /// <paramref name="clientAddress"/> (the lab network's bridge, for hosts in their own network namespaces).
    /// </summary>
    public static async Task<EtcdCluster> StartAsync(int size, CancellationToken cancellationToken, string clientAddress = "127.0.0.1")
    {
        var etcd = Requirements.Etcd();
        var cluster = new EtcdCluster(Directory.CreateTempSubdirectory("vl-etcd-").FullName);
        try
        {
            var ports = FreePorts(2 * size);
            for (var i = 0; i < size; i++)
            {
                cluster._members.Add(new Member(
                    $"m{i + 1}",
                    $"http://{clientAddress}:{ports[2 * i]}",
                    $"http://127.0.0.1:{ports[(2 * i) + 1]}",
                    Path.Combine(cluster._root, $"m{i + 1}")));
            }

            var initial = string.Join(",", cluster._members.Select(m => $"{m.Name}={m.PeerUrl}"));
            foreach (var m in cluster._members)
            {
                m.Start(etcd, initial);
            }

            await cluster.WaitHealthyAsync(TimeSpan.FromSeconds(30), cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILLs one member (0-based), by its PID.</summary>
    public void Kill(int member) => _members[member].Kill();

    /// <summary>SIGKILLs every member.</summary>
    public void KillAll()
    {
        foreach (var m in _members)
        {
            m.Kill();
        }
    }

    /// <summary>Starts again every member that is not running (on its data dir) and waits for health.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        var etcd = Requirements.Etcd();
        var initial = string.Join(",", _members.Select(m => $"{m.Name}={m.PeerUrl}"));
        foreach (var m in _members.Where(m => !m.Running))
        {
            m.Start(etcd, initial);
        }

        await WaitHealthyAsync(TimeSpan.FromSeconds(30), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var m in _members)
        {
            m.Kill();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }

        await Task.CompletedTask;
    }

    private static List<int> FreePorts(int count)
    {
        var listeners = new List<TcpListener>();
        try
        {
            while (listeners.Count < count)
            {
                var l = new TcpListener(IPAddress.Loopback, 0);
                l.Start();
                listeners.Add(l);
            }

            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToList();
        }
        finally
        {
            foreach (var l in listeners)
            {
                l.Stop();
            }
        }
    }

    private async Task WaitHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        foreach (var m in _members.Where(m => m.Running))
        {
            while (true)
            {
                try
                {
                    var body = await http.GetStringAsync(new Uri(m.ClientUrl + "/health"), cancellationToken);
                    if (body.Contains("\"health\":\"true\"", StringComparison.Ordinal))
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                }

                if (!m.Running)
                {
                    throw new InvalidOperationException($"etcd member {m.Name} exited at start: {m.LogTail()}");
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"etcd member {m.Name} was not healthy within {timeout}: {m.LogTail()}");
                }

                await Task.Delay(100, cancellationToken);
            }
        }
    }

    private sealed class Member(string name, string clientUrl, string peerUrl, string dataDir)
    {
        private Process? _process;
        private StreamWriter? _log;

        public string Name { get; } = name;

        public string ClientUrl { get; } = clientUrl;

        public string PeerUrl { get; } = peerUrl;

        public bool Running => _process is { } p && VirtlabHost.ProcessAlive(p.Id);

        private string LogFile => dataDir + ".log";

        public void Start(string etcd, string initialCluster)
        {
            var psi = new ProcessStartInfo(etcd) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[]
            {
                "--name", Name, "--data-dir", dataDir,
                "--listen-client-urls", ClientUrl, "--advertise-client-urls", ClientUrl,
                "--listen-peer-urls", PeerUrl, "--initial-advertise-peer-urls", PeerUrl,
                "--initial-cluster", initialCluster, "--initial-cluster-state", "new",
                "--initial-cluster-token", "virtlab-test",
            })
            {
                psi.ArgumentList.Add(a);
            }

            _process?.Dispose();
            _process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {etcd}");
            _log?.Dispose();
            var log = _log = new StreamWriter(LogFile, append: true) { AutoFlush = true };
            _process.OutputDataReceived += (_, e) => Write(log, e.Data);
            _process.ErrorDataReceived += (_, e) => Write(log, e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public void Kill()
        {
            if (_process is { } p && !p.HasExited)
            {
                p.Kill();
                p.WaitForExit(5000);
            }

            if (_log is { } log)
            {
                lock (log)
                {
                    log.Dispose();
                }

                _log = null;
            }
        }

        public string LogTail() =>
            File.Exists(LogFile) ? string.Join("\n", File.ReadLines(LogFile).TakeLast(5)) : "(no log)";

        private static void Write(StreamWriter log, string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (log)
            {
                try
                {
                    log.WriteLine(line);
                }
                catch (ObjectDisposedException)
                {
                    // The member was killed; its last lines are not needed.
                }
            }
        }
    }

    /// <summary>For a message: the ports in use.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"etcd x{_members.Count} at {Endpoints}");
}
