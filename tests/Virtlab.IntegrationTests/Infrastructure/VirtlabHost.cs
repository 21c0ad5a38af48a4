using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Virtlab.IntegrationTests.Infrastructure;

/// <summary>
/// One Virtlab host for a test: its own $VIRTLAB_HOME in a short temp dir, driven only through
/// the real CLI (./virtlab), which starts the real daemon. Dispose destroys every VM it started,
/// stops the daemon and kills any QEMU left behind, by PID.
/// </summary>
public sealed class VirtlabHost : IAsyncDisposable
{
    private readonly HashSet<int> _qemuPids = [];

    /// <summary>A host on the test run's shared CA (<see cref="TestPki"/>), or, with <paramref name="ownCa"/>, on a CA of its own
    /// in $VIRTLAB_HOME/ca (a host the others do not trust).</summary>
    public VirtlabHost(bool ownCa = false)
    {
        Home = Directory.CreateTempSubdirectory("vl-").FullName;
        TlsDir = ownCa ? null : TestPki.SharedCaDir;
    }

    public string Home { get; }

    /// <summary>VIRTLAB_TLS_DIR for this host's daemon: the shared test CA, or null (its own CA, made under its home).</summary>
    public string? TlsDir { get; }

    /// <summary>Where this host's CA is: the shared one, or its own.</summary>
    public string CaDir => TlsDir ?? Path.Combine(Home, "ca");

    /// <summary>Set by <see cref="ListenAsync"/>: this host's virtlab+tcp:// address.</summary>
    public string? Uri { get; private set; }

    public string TokenFile => Path.Combine(Home, "token");

    /// <summary>Starts this host's daemon with a TCP listener on a free 127.0.0.1 port (a second Virtlab host).</summary>
    public async Task ListenAsync()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        await OkAsync("daemon", "start", "--listen", $"127.0.0.1:{port}");
        Uri = $"virtlab+tcp://127.0.0.1:{port}";
    }

    /// <summary>Starts this host's daemon as lab host <paramref name="host"/>: in that network namespace, listening on its address.</summary>
    public async Task ListenInLabAsync(int host)
    {
        var address = $"{LabNet.HostAddress(host)}:16600";
        var psi = new ProcessStartInfo(LabNet.OnHost(host)[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in LabNet.OnHost(host, Cli, "daemon", "start", "--listen", address).Skip(1))
        {
            psi.ArgumentList.Add(a);
        }

        SetEnvironment(psi);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, $"daemon start on lab host {host} failed: {await stderr}");
        Uri = "virtlab+tcp://" + address;
    }

    /// <summary>Starts this host's daemon again on the address it listened on before.</summary>
    public async Task ListenAgainAsync() =>
        await OkAsync("daemon", "start", "--listen", Uri!.Replace("virtlab+tcp://", string.Empty, StringComparison.Ordinal));

    /// <summary>./virtlab, which builds first when a source changed; VIRTLAB_TEST_CLI pins a built CLI instead (make faults
    /// runs for many minutes, and a build started by an edit meanwhile must not stall its commands).</summary>
    public string Cli => Environment.GetEnvironmentVariable("VIRTLAB_TEST_CLI") is { Length: > 0 } pinned ? pinned : Path.Combine(Requirements.RepoRoot, "virtlab");

    public async Task<CliResult> RunAsync(params string[] args) => await RunAsync(TimeSpan.FromMinutes(3), args);

    public async Task<CliResult> RunAsync(TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo(Cli)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        SetEnvironment(psi);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"virtlab {string.Join(' ', args)} did not finish within {timeout}");
        }

        var result = new CliResult(p.ExitCode, await stdout, await stderr);
        return result;
    }

    private void SetEnvironment(ProcessStartInfo psi)
    {
        psi.Environment["VIRTLAB_HOME"] = Home;
        if (TlsDir is null)
        {
            psi.Environment.Remove("VIRTLAB_TLS_DIR");
        }
        else
        {
            psi.Environment["VIRTLAB_TLS_DIR"] = TlsDir;
        }
    }

    /// <summary>Runs a command that must succeed; returns its stdout.</summary>
    public async Task<string> OkAsync(params string[] args)
    {
        var r = await RunAsync(args);
        Assert.True(r.ExitCode == 0, $"virtlab {string.Join(' ', args)} failed: {r}");
        return r.Stdout;
    }

    /// <summary>Creates and starts a VM from the default image and waits for its agent; remembers its QEMU PID.</summary>
    public async Task<int> CreateAsync(string name, params string[] options)
    {
        await OkAsync(["create", name, .. options, "--wait-agent=90"]);
        return await QemuPidAsync(name);
    }

    public async Task<int> QemuPidAsync(string name)
    {
        var info = JsonNode.Parse(await OkAsync("dominfo", name, "--json"))!;
        var pid = info["pid"]!.GetValue<int>();
        _qemuPids.Add(pid);
        return pid;
    }

    /// <summary>Sends a raw agent command through the CLI; returns the parsed reply.</summary>
    public async Task<JsonNode> AgentAsync(string name, string json, int timeoutSeconds = 30)
    {
        var r = await OkAsync("qemu-agent-command", name, json, "--timeout", timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return JsonNode.Parse(r)!;
    }

    /// <summary>Runs a program in the guest through guest-exec and returns its stdout.</summary>
    public async Task<string> GuestExecAsync(string name, string path, params string[] args)
    {
        var argJson = new JsonArray(args.Select(a => (JsonNode)JsonValue.Create(a)!).ToArray());
        var exec = new JsonObject
        {
            ["execute"] = "guest-exec",
            ["arguments"] = new JsonObject { ["path"] = path, ["arg"] = argJson, ["capture-output"] = true },
        };
        var pid = (await AgentAsync(name, exec.ToJsonString()))["return"]!["pid"]!.GetValue<int>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var status = (await AgentAsync(name, "{\"execute\":\"guest-exec-status\",\"arguments\":{\"pid\":" + pid.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}}"))["return"]!;
            if (status["exited"]!.GetValue<bool>())
            {
                var data = status["out-data"]?.GetValue<string>();
                return data is null ? string.Empty : System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(data));
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"guest-exec {path} did not finish in 30 s");
    }

    /// <summary>SIGKILLs this host's daemon, as a crash would; its QEMU processes keep running. The next command starts a new one.</summary>
    public void KillDaemon()
    {
        var pid = int.Parse(File.ReadAllText(Path.Combine(Home, "virtlabd.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Process.GetProcessById(pid).Kill();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (ProcessAlive(pid) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }
    }

    /// <summary>Polls a command until its stdout satisfies <paramref name="done"/> (bounded); returns the last stdout.</summary>
    public async Task<string> PollAsync(Func<string, bool> done, TimeSpan timeout, params string[] args)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var r = await RunAsync(args);
            if (r.ExitCode == 0 && done(r.Stdout))
            {
                return r.Stdout;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"virtlab {string.Join(' ', args)} did not reach the expected state within {timeout}: {r}");
            }

            await Task.Delay(250);
        }
    }

    public static bool ProcessAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state is not ("Z" or "X");
        }
        catch (IOException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            var list = await RunAsync(TimeSpan.FromSeconds(60), "list", "--json");
            if (list.ExitCode == 0)
            {
                foreach (var d in JsonNode.Parse(list.Stdout)!.AsArray())
                {
                    await RunAsync(TimeSpan.FromSeconds(60), "destroy", d!["name"]!.GetValue<string>());
                }
            }

            await RunAsync(TimeSpan.FromSeconds(30), "daemon", "stop");
        }
        catch (Exception e) when (e is TimeoutException or IOException or System.Text.Json.JsonException)
        {
        }

        foreach (var pid in _qemuPids.Where(ProcessAlive))
        {
            Process.GetProcessById(pid).Kill();
        }

        var daemonPid = Path.Combine(Home, "virtlabd.pid");
        if (File.Exists(daemonPid) && int.TryParse(File.ReadAllText(daemonPid), out var dp) && ProcessAlive(dp))
        {
            Process.GetProcessById(dp).Kill();
        }

        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
