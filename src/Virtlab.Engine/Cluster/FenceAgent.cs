using System.Diagnostics;
using OsProcess = System.Diagnostics.Process;

namespace Virtlab.Engine.Cluster;

/// <summary>
/// The fencing that outlives the daemon (docs/CLUSTER.md): while this host is a member, a small child process
/// (<c>virtlabd --fence-agent LOG</c>) holds a pipe from the daemon and the list of this host's QMP sockets. When the
/// pipe closes (the daemon died, even by SIGKILL, or stopped: either way nobody keeps the lease alive), the agent
/// pauses every VM through its QMP socket (QEMU takes a new monitor client once the daemon's is gone), long before the
/// lease can expire and another host restart them. <c>cluster leave</c> tells it to stand down instead.
/// </summary>
public sealed class FenceAgent : IDisposable
{
    /// <summary>The line that tells the agent to exit without fencing.</summary>
    public const string StandDown = "STAND-DOWN";

    private readonly OsProcess _process;
    private readonly Lock _gate = new();
    private string _last = string.Empty;

    private FenceAgent(OsProcess process) => _process = process;

    public int Pid => _process.Id;

    /// <summary>Starts the agent from its argv (no shell); null and logged when it cannot start.</summary>
    public static FenceAgent? Start(IReadOnlyList<string> argv, Action<string>? log)
    {
        ArgumentNullException.ThrowIfNull(argv);
        var psi = new ProcessStartInfo(argv[0]) { UseShellExecute = false, RedirectStandardInput = true };
        foreach (var a in argv.Skip(1))
        {
            psi.ArgumentList.Add(a);
        }

        try
        {
            var process = OsProcess.Start(psi) ?? throw new InvalidOperationException("no process");
            log?.Invoke($"cluster: fence agent pid {process.Id} pauses this host's VMs if the daemon goes away");
            return new FenceAgent(process);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            log?.Invoke($"cluster: the fence agent did not start ({e.Message}): a dead daemon's VMs are paused only when it returns");
            return null;
        }
    }

    /// <summary>The QMP sockets to pause if the daemon goes away (sent when the list changes).</summary>
    public void Watch(IEnumerable<string> qmpSockets)
    {
        var line = string.Join('\t', qmpSockets.Order(StringComparer.Ordinal));
        lock (_gate)
        {
            if (line == _last)
            {
                return;
            }

            _last = line;
            Send("WATCH\t" + line);
        }
    }

    /// <summary>cluster leave: the agent exits without pausing anything.</summary>
    public void Release()
    {
        lock (_gate)
        {
            Send(StandDown);
        }
    }

    /// <summary>Closes the pipe: unless released first, the agent pauses what it watches. The daemon's exit does the same.</summary>
    public void Dispose() => _process.Dispose();

    private void Send(string line)
    {
        try
        {
            _process.StandardInput.WriteLine(line);
            _process.StandardInput.Flush();
        }
        catch (IOException)
        {
            // The agent is gone (killed by hand): nothing to tell it.
        }
    }
}
