using System.Runtime.InteropServices;

namespace Virtlab.Engine.Process;

/// <summary>
/// A process the daemon started with posix_spawn (an argv, never a shell), in its own session,
/// with stdin from /dev/null and stdout/stderr appended to a log file. It stays the daemon's
/// direct child and is reaped the moment it exits by a thread blocked in waitpid, so a dead
/// QEMU never lingers as a zombie (this sandbox's PID 1 reaps orphans only every ~2 s).
/// A process found again after a daemon restart is not our child: <see cref="Attach"/> watches /proc instead.
/// </summary>
public sealed class ChildProcess
{
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(int pid, long startTicks, bool isChild)
    {
        Pid = pid;
        StartTicks = startTicks;
        IsChild = isChild;
    }

    public int Pid { get; }

    /// <summary>/proc start time, recorded so that a reused PID is never mistaken for this process.</summary>
    public long StartTicks { get; }

    /// <summary>True when this daemon started it (and reaps it); false when re-attached after a restart.</summary>
    public bool IsChild { get; }

    /// <summary>Completes with the exit status (exit code, or 128+signal; -1 when unknown) when the process is gone.</summary>
    public Task<int> Exited => _exited.Task;

    public bool HasExited => _exited.Task.IsCompleted;

    /// <summary>An exit status of <see cref="Exited"/> in words: "killed by signal 9", "exit code 1", "exit status unknown".</summary>
    public static string DescribeExit(int status) =>
        status > 128 ? $"killed by signal {status - 128}" : status < 0 ? "exit status unknown" : $"exit code {status}";

    public static unsafe ChildProcess Spawn(IReadOnlyList<string> argv, string logPath)
    {
        ArgumentOutOfRangeException.ThrowIfZero(argv.Count);
        var actions = NativeMemory.AllocZeroed(512);
        var attr = NativeMemory.AllocZeroed(1024);
        var sigset = NativeMemory.AllocZeroed(256);
        var args = new nint[argv.Count + 1];
        var envList = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Select(e => $"{e.Key}={e.Value}").ToArray();
        var env = new nint[envList.Length + 1];
        try
        {
            for (var i = 0; i < argv.Count; i++)
            {
                args[i] = Marshal.StringToCoTaskMemUTF8(argv[i]);
            }

            for (var i = 0; i < envList.Length; i++)
            {
                env[i] = Marshal.StringToCoTaskMemUTF8(envList[i]);
            }

            Check(Libc.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
            Check(Libc.posix_spawn_file_actions_addopen(actions, 0, "/dev/null", Libc.O_RDONLY, 0), "addopen stdin");
            Check(Libc.posix_spawn_file_actions_addopen(actions, 1, logPath, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_APPEND, 0x180), "addopen stdout");
            Check(Libc.posix_spawn_file_actions_addopen(actions, 2, logPath, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_APPEND, 0x180), "addopen stderr");
            Check(Libc.posix_spawnattr_init(attr), "posix_spawnattr_init");
            Libc.sigemptyset(sigset);
            Check(Libc.posix_spawnattr_setsigmask(attr, sigset), "posix_spawnattr_setsigmask");
            Check(Libc.posix_spawnattr_setflags(attr, Libc.POSIX_SPAWN_SETSID | Libc.POSIX_SPAWN_SETSIGMASK), "posix_spawnattr_setflags");

            int pid;
            fixed (nint* pa = args)
            fixed (nint* pe = env)
            {
                var rc = Libc.posix_spawn(out pid, argv[0], actions, attr, pa, pe);
                if (rc != 0)
                {
                    throw new VirtlabException(ErrorKind.Internal, $"could not start {argv[0]}: {Marshal.GetPInvokeErrorMessage(rc)}");
                }
            }

            var child = new ChildProcess(pid, ProcessInfo.StartTicks(pid) ?? 0, isChild: true);
            var reaper = new Thread(child.Reap) { IsBackground = true, Name = $"reap-{pid}" };
            reaper.Start();
            return child;
        }
        finally
        {
            Libc.posix_spawn_file_actions_destroy(actions);
            Libc.posix_spawnattr_destroy(attr);
            NativeMemory.Free(actions);
            NativeMemory.Free(attr);
            NativeMemory.Free(sigset);
            foreach (var p in args.Concat(env).Where(p => p != 0))
            {
                Marshal.FreeCoTaskMem(p);
            }
        }
    }

    /// <summary>Watches a process that is not our child (found again after a daemon restart): polls /proc.</summary>
    public static ChildProcess Attach(int pid, long startTicks, TimeSpan pollInterval)
    {
        var p = new ChildProcess(pid, startTicks, isChild: false);
        _ = Task.Run(async () =>
        {
            while (ProcessInfo.IsAlive(pid, startTicks))
            {
                await Task.Delay(pollInterval).ConfigureAwait(false);
            }

            p._exited.TrySetResult(-1);
        });
        return p;
    }

    /// <summary>Sends a signal unless the process is already gone (or its PID reused).</summary>
    public void Signal(int signal)
    {
        if (!HasExited && ProcessInfo.IsAlive(Pid, StartTicks))
        {
            Libc.kill(Pid, signal);
        }
    }

    private static void Check(int rc, string what)
    {
        if (rc != 0)
        {
            throw new VirtlabException(ErrorKind.Internal, $"{what} failed: {Marshal.GetPInvokeErrorMessage(rc)}");
        }
    }

    private void Reap()
    {
        while (true)
        {
            var rc = Libc.waitpid(Pid, out var status, 0);
            if (rc == Pid)
            {
                var code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);
                _exited.TrySetResult(code);
                return;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (rc < 0 && errno == Libc.EINTR)
            {
                continue;
            }

            // ECHILD: someone else reaped it (should not happen); report unknown status.
            _exited.TrySetResult(-1);
            return;
        }
    }
}
