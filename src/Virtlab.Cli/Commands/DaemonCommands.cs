using System.CommandLine;
using Virtlab.Api;

namespace Virtlab.Cli.Commands;

internal static class DaemonCommands
{
    public static Command Daemon()
    {
        var listen = new Option<string?>("--listen")
        {
            Description = "also serve the API on TCP at HOST:PORT (e.g. 127.0.0.1:16600), for other Virtlab hosts: HTTPS with a client " +
                "certificate required from the hosts' CA (made under $VIRTLAB_HOME/ca on first use, or --tls-dir), then the token the daemon writes to $VIRTLAB_HOME/token",
        };
        var tlsDir = new Option<string?>("--tls-dir")
        {
            Description = "the CA the hosts share (default: $VIRTLAB_TLS_DIR, else $VIRTLAB_HOME/ca): ca-cert.pem, and ca-key.pem for this host to issue " +
                "its own certificate, or this host's server-cert.pem and server-key.pem (docs/SECURITY.md)",
        };
        var start = new Command("start", "start virtlabd for this $VIRTLAB_HOME (if it is not running)") { listen, tlsDir };
        start.Handle(async (p, client, ct) =>
        {
            var where = p.GetValue(listen);
            if (where is not null)
            {
                if (!System.Net.IPEndPoint.TryParse(where, out var ep) || ep.Port == 0)
                {
                    throw new CliException($"--listen '{where}' is not HOST:PORT: give e.g. 127.0.0.1:16600");
                }

                if (await client.IsRunningAsync(ct).ConfigureAwait(false))
                {
                    throw new CliException($"virtlabd is already running for {client.Paths.Home}: 'virtlab daemon stop' first to start it with --listen");
                }
            }

            var dir = p.GetValue(tlsDir);
            if (dir is not null && !Directory.Exists(dir))
            {
                throw new CliException($"--tls-dir '{dir}' is not a directory: give the directory that holds the hosts' ca-cert.pem");
            }

            if (dir is not null && where is null)
            {
                throw new CliException("--tls-dir goes with --listen (a daemon without it calls other hosts with the CA in $VIRTLAB_TLS_DIR, else $VIRTLAB_HOME/ca)");
            }

            string[] args = where is null ? [] : dir is null ? ["--listen", where] : ["--listen", where, "--tls-dir", Path.GetFullPath(dir)];
            await client.EnsureRunningAsync(args, ct).ConfigureAwait(false);
            var v = await client.GetAsync("v1/version", ApiJsonContext.Default.VersionInfo, ct).ConfigureAwait(false);
            Console.WriteLine($"virtlabd running, pid {v.DaemonPid}, home {v.Home}" +
                (where is null ? string.Empty : $", listening on virtlab+tcp://{where} (TLS: {Path.Combine(v.Home, "tls")}; token: {Path.Combine(v.Home, "token")})"));
        });

        var stop = new Command("stop", "stop virtlabd; running VMs keep running and are re-attached by the next daemon");
        stop.Handle(async (_, client, ct) =>
        {
            if (!await client.IsRunningAsync(ct).ConfigureAwait(false))
            {
                Console.WriteLine("virtlabd is not running");
                return;
            }

            var v = await client.GetAsync("v1/version", ApiJsonContext.Default.VersionInfo, ct).ConfigureAwait(false);
            await client.PostAsync("v1/daemon/stop", ct, ensureDaemon: false).ConfigureAwait(false);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
            while (DateTime.UtcNow < deadline && File.Exists($"/proc/{v.DaemonPid}/stat"))
            {
                await Task.Delay(50, ct).ConfigureAwait(false);
            }

            Console.WriteLine($"virtlabd stopped (was pid {v.DaemonPid})");
        });

        var status = new Command("status", "is virtlabd running for this $VIRTLAB_HOME?");
        status.Handle(async (_, client, ct) =>
        {
            if (!await client.IsRunningAsync(ct).ConfigureAwait(false))
            {
                throw new CliException($"virtlabd is not running for {client.Paths.Home}: 'virtlab daemon start' starts it");
            }

            var v = await client.GetAsync("v1/version", ApiJsonContext.Default.VersionInfo, ct).ConfigureAwait(false);
            Console.WriteLine($"virtlabd running, pid {v.DaemonPid}, home {v.Home}, QEMU {v.Qemu}");
        });

        return new Command("daemon", "manage virtlabd, the daemon that owns the VMs") { start, stop, status };
    }
}
