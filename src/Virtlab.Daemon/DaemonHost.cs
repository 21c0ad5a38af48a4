using System.Security.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Virtlab.Engine.Peers;
using Virtlab.Engine.Accel;
using Virtlab.Engine.Host;
using Virtlab.Engine.Store;
using Virtlab.Engine;
using Virtlab.Engine.Migration;
using Virtlab.Engine.Cluster;

namespace Virtlab.Daemon;

/// <summary>
/// virtlabd: the one process that owns QEMU monitors and guest-agent sockets. It listens on a
/// unix socket (0600, in a 0700 dir) under $VIRTLAB_HOME, keeps state in SQLite, keeps QEMU as its
/// direct child, and on start re-attaches to the VMs a previous daemon left running.
/// </summary>
public static class DaemonHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        // Everything the daemon creates (state, logs, sockets) is owner-only.
        NativeMethods.Umask(0x3f);
        var paths = VirtlabPaths.FromEnvironment();
        paths.EnsureCreated();
        if (args.Contains("--detach"))
        {
            NativeMethods.Detach(paths.DaemonLog);
        }

        if (await DaemonProbe.IsAnsweringAsync(paths.DaemonSocket).ConfigureAwait(false))
        {
            await Console.Error.WriteLineAsync($"virtlabd: a daemon is already running for {paths.Home}").ConfigureAwait(false);
            return 3;
        }

        File.Delete(paths.DaemonSocket);
        var listen = ListenOption(args);
        var tlsDir = TlsDirOption(args);
        var token = PeerToken.LoadOrCreate(Path.Combine(paths.Home, "token"));
        PeerCredentials? tls = null;
        if (listen is not null)
        {
            try
            {
                tls = PeerCredentials.Prepare(paths.Home, tlsDir, [listen.Address]);
            }
            catch (Exception e) when (e is VirtlabException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                await Console.Error.WriteLineAsync($"virtlabd: cannot start: TLS certificates: {e.Message}").ConfigureAwait(false);
                return 4;
            }
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fff ";
        });
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.ListenUnixSocket(paths.DaemonSocket, o => o.Protocols = HttpProtocols.Http1);
            if (listen is not null)
            {
                k.Listen(listen, o =>
                {
                    o.Protocols = HttpProtocols.Http1;
                    o.UseHttps(MutualTls(tls!));
                });
            }
        });
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, Virtlab.Api.ApiJsonContext.Default));

        var store = new StateStore(paths.Database);
        var app = builder.Build();
        var log = app.Logger;
        var manager = new VirtlabEngine(
            paths,
            store,
            new AcceleratorSelector(),
            migration: new MigrationOptions { ListenAddress = listen?.Address.ToString() ?? "127.0.0.1" },
            log: m => log.LogInformation("{Message}", m),
            cluster: new ClusterOptions
            {
                Address = listen is null ? null : $"virtlab+tcp://{listen}",
                FenceAgent = Environment.ProcessPath is { } self ? [self, "--fence-agent", Path.Combine(paths.Home, "fence-agent.log")] : null,
            });
        manager.Context.PeerTls = tls is not null ? new Lazy<PeerCredentials>(tls) : new Lazy<PeerCredentials>(() => PeerCredentials.Prepare(paths.Home, tlsDir, []), LazyThreadSafetyMode.PublicationOnly);
        if (tls is not null)
        {
            log.LogInformation("TLS: CA {Ca} from {CaDir}; host certificate {Subject} in {Dir}{Issued}", tls.Ca.Subject, tls.CaDirectory, tls.Host.Subject, tls.Directory, tls.Issued ? " (issued now)" : string.Empty);
        }

        var adopted = await manager.StartAsync(CancellationToken.None).ConfigureAwait(false);
        if (adopted.Count > 0)
        {
            log.LogInformation("re-attached {Count} running VM(s): {Names}", adopted.Count, string.Join(", ", adopted));
        }

        app.UseMiddleware<TokenAuth>(token, (Func<string?>)(() => manager.Cluster.Token));
        app.UseMiddleware<ErrorMapping>();
        Endpoints.Map(app, manager, paths);

        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch (IOException e) when (listen is not null)
        {
            // Kestrel's "address already in use" and friends: one line the CLI shows as is.
            log.LogCritical("cannot start: cannot listen on {Listen}: {Reason}", listen, e.InnerException?.Message ?? e.Message);
            await manager.DisposeAsync().ConfigureAwait(false);
            return 4;
        }

        File.SetUnixFileMode(paths.DaemonSocket, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await File.WriteAllTextAsync(paths.DaemonPidFile, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)).ConfigureAwait(false);
        log.LogInformation("virtlabd {Pid} listening on {Socket}{Tcp}", Environment.ProcessId, paths.DaemonSocket, listen is null ? string.Empty : $" and tcp {listen} (TLS with client certificates from {tls!.CaDirectory}, then the token in {paths.Home}/token)");

        await app.WaitForShutdownAsync().ConfigureAwait(false);

        // VMs keep running: the next daemon re-attaches them.
        await manager.DisposeAsync().ConfigureAwait(false);
        File.Delete(paths.DaemonSocket);
        File.Delete(paths.DaemonPidFile);
        return 0;
    }

    /// <summary>
    /// The TCP listener's TLS: this host's certificate, and a client certificate required from every caller and
    /// checked against the CA alone (no system roots): a caller without one is refused in the handshake, before HTTP.
    /// </summary>
    private static HttpsConnectionAdapterOptions MutualTls(PeerCredentials tls) => new()
    {
        ServerCertificate = tls.Host,
        SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        ClientCertificateMode = ClientCertificateMode.RequireCertificate,
        CheckCertificateRevocation = false,
        ClientCertificateValidation = (certificate, _, _) => tls.ClientProblem(certificate) is null,
    };

    /// <summary><c>--tls-dir DIR</c>, else <c>VIRTLAB_TLS_DIR</c>: the CA (ca-cert.pem, and ca-key.pem to issue this host's certificate, or this host's own certificates); null: <c>$VIRTLAB_HOME/ca</c>.</summary>
    private static string? TlsDirOption(string[] args)
    {
        var i = Array.IndexOf(args, "--tls-dir");
        if (i >= 0)
        {
            return i + 1 < args.Length && args[i + 1].Length > 0 ? args[i + 1] : throw new ArgumentException("--tls-dir needs a directory");
        }

        return Environment.GetEnvironmentVariable("VIRTLAB_TLS_DIR") is { Length: > 0 } env ? env : null;
    }

    /// <summary><c>--listen HOST:PORT</c>: also serve the API on TCP (mutual TLS, then the token).</summary>
    private static System.Net.IPEndPoint? ListenOption(string[] args)
    {
        var i = Array.IndexOf(args, "--listen");
        if (i < 0)
        {
            return null;
        }

        if (i + 1 >= args.Length || !System.Net.IPEndPoint.TryParse(args[i + 1], out var ep) || ep.Port == 0)
        {
            throw new ArgumentException("--listen needs HOST:PORT, e.g. 127.0.0.1:16600");
        }

        return ep;
    }
}
