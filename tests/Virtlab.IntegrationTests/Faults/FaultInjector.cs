using Microsoft.Data.Sqlite;
using Virtlab.IntegrationTests.Infrastructure;

namespace Virtlab.IntegrationTests.Faults;

/// <summary>Injects one fault on host A and lifts it again; <see cref="LiftAsync"/> is safe to call when nothing was injected.</summary>
public sealed class FaultInjector(FaultBench bench, FaultKind fault)
{
    /// <summary>How long a hung guest agent stays stopped: qemu-ga is stopped and continued by a shell inside the guest.</summary>
    public static readonly TimeSpan AgentHangWindow = TimeSpan.FromSeconds(30);

    private readonly List<int> _stopped = [];
    private SqliteConnection? _lock;
    private string? _fill;
    private bool _daemonKilled;

    public string Done { get; private set; } = string.Empty;

    /// <summary>For a cell whose fault is the set-up itself: says what it was.</summary>
    public void Describe(string what) => Done = what;

    /// <summary>Injects the fault. <paramref name="agentHost"/> is where the subject runs (its agent is the one hung).</summary>
    public async Task InjectAsync(VirtlabHost agentHost, string name)
    {
        switch (fault)
        {
            case FaultKind.QemuKilled:
            case FaultKind.QemuStopped:
                var pids = FaultBench.QemuPids(bench.A, name);
                if (pids.Count == 0)
                {
                    throw new FaultCheckException($"no QEMU of '{name}' on A to {(fault == FaultKind.QemuKilled ? "kill" : "stop")}");
                }

                foreach (var pid in pids)
                {
                    FaultBench.Signal(pid, fault == FaultKind.QemuKilled ? "KILL" : "STOP");
                    if (fault == FaultKind.QemuStopped)
                    {
                        _stopped.Add(pid);
                    }
                }

                Done = (fault == FaultKind.QemuKilled ? "killed" : "stopped") + $" QEMU pid {string.Join(',', pids)}";
                break;
            case FaultKind.AgentHung:
                var seconds = (int)AgentHangWindow.TotalSeconds;
                await agentHost.OkAsync(
                    "qemu-agent-command", name,
                    "{\"execute\":\"guest-exec\",\"arguments\":{\"path\":\"/bin/sh\",\"arg\":[\"-c\",\"p=$(pidof qemu-ga); (sleep 1; kill -STOP $p; sleep " + seconds + "; kill -CONT $p) >/dev/null 2>&1 </dev/null &\"]}}");
                await Task.Delay(1500, TestContext.Current.CancellationToken);
                Done = $"qemu-ga stopped in the guest for {seconds} s";
                break;
            case FaultKind.DaemonKilled:
                bench.A.KillDaemon();
                _daemonKilled = true;
                Done = "killed A's daemon";
                break;
            case FaultKind.DiskFull:
                _fill = Path.Combine(bench.A.Home, "fill");
                FillDisk(_fill);
                Done = "filled A's $VIRTLAB_HOME";
                break;
            case FaultKind.DatabaseLocked:
                _lock = new SqliteConnection($"Data Source={Path.Combine(bench.A.Home, "state.db")};Pooling=False");
                _lock.Open();
                using (var cmd = _lock.CreateCommand())
                {
                    cmd.CommandText = "BEGIN EXCLUSIVE";
                    cmd.ExecuteNonQuery();
                }

                Done = "held BEGIN EXCLUSIVE on A's state.db";
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(fault), fault, null);
        }
    }

    /// <summary>Lifts the fault: SIGCONT, the daemon started again (listening as before), the filler deleted, the lock released.</summary>
    public async Task LiftAsync()
    {
        foreach (var pid in _stopped)
        {
            FaultBench.Signal(pid, "CONT");
        }

        _stopped.Clear();
        if (_lock is not null)
        {
            await _lock.DisposeAsync();
            _lock = null;
        }

        if (_fill is not null)
        {
            File.Delete(_fill);
            _fill = null;
        }

        if (_daemonKilled)
        {
            _daemonKilled = false;
            await bench.EnsureListeningAsync();
        }
    }

    private static void FillDisk(string path)
    {
        using var f = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
        var chunk = new byte[1 << 20];
        Array.Fill(chunk, (byte)0x5a);
        for (var size = chunk.Length; size > 0; size /= 2)
        {
            try
            {
                while (true)
                {
                    f.Write(chunk, 0, size);
                    f.Flush();
                }
            }
            catch (IOException)
            {
            }
        }
    }
}
