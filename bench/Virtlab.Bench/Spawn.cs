using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Virtlab.Bench;

/// <summary>
/// One child process, timed from the kernel's side: posix_spawn, then wait4, whose rusage gives the
/// child's own user and system CPU time. Wall time is spawn to reaped. stdout/stderr go to /dev/null
/// (or a file), so no pipe reader of ours is in the measurement.
/// </summary>
internal static partial class Spawn
{
    public readonly record struct Timing(double WallMs, double UserMs, double SysMs, int ExitCode)
    {
        public double CpuMs => UserMs + SysMs;
    }

    public static unsafe Timing Run(IReadOnlyList<string> argv, IReadOnlyDictionary<string, string> env, string stdout = "/dev/null")
    {
        var args = ToCStrings(argv);
        var envp = ToCStrings(env.Select(kv => kv.Key + "=" + kv.Value).ToList());
        var actions = stackalloc byte[256];   // posix_spawn_file_actions_t is 80 bytes on glibc x86_64
        try
        {
            Check(posix_spawn_file_actions_init(actions));
            Check(posix_spawn_file_actions_addopen(actions, 0, "/dev/null", 0 /* O_RDONLY */, 0));
            Check(posix_spawn_file_actions_addopen(actions, 1, stdout, 0x241 /* O_WRONLY|O_CREAT|O_TRUNC */, 0x1a4));
            Check(posix_spawn_file_actions_addopen(actions, 2, "/dev/null", 1 /* O_WRONLY */, 0));
            var start = Stopwatch.GetTimestamp();
            Check(posix_spawnp(out var pid, argv[0], actions, null, args, envp));
            var usage = stackalloc long[18];   // struct rusage: 2 timevals, 14 longs
            int status;
            while (wait4(pid, &status, 0, usage) < 0)
            {
                if (Marshal.GetLastPInvokeError() != 4 /* EINTR */)
                {
                    throw new InvalidOperationException($"wait4: errno {Marshal.GetLastPInvokeError()}");
                }
            }

            var wall = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            var exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);
            return new Timing(wall, usage[0] * 1e3 + usage[1] / 1e3, usage[2] * 1e3 + usage[3] / 1e3, exit);
        }
        finally
        {
            _ = posix_spawn_file_actions_destroy(actions);
            Free(args);
            Free(envp);
        }
    }

    private static void Check(int rc)
    {
        if (rc != 0)
        {
            throw new InvalidOperationException($"posix_spawn: error {rc}");
        }
    }

    private static nint[] ToCStrings(IReadOnlyList<string> values)
    {
        var p = new nint[values.Count + 1];
        for (var i = 0; i < values.Count; i++)
        {
            p[i] = Marshal.StringToCoTaskMemUTF8(values[i]);
        }

        return p;
    }

    private static void Free(nint[] p)
    {
        foreach (var s in p)
        {
            Marshal.FreeCoTaskMem(s);
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int posix_spawn_file_actions_init(byte* actions);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int posix_spawn_file_actions_destroy(byte* actions);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int posix_spawn_file_actions_addopen(byte* actions, int fd, string path, int flags, int mode);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int posix_spawnp(out int pid, string file, byte* actions, void* attr, nint[] argv, nint[] envp);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int wait4(int pid, int* status, int options, long* rusage);
}
