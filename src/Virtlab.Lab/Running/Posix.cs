using System.Runtime.InteropServices;

namespace Virtlab.Lab.Running;

/// <summary>kill(2), for a SIGTERM that a process can pass on (Process.Kill only sends SIGKILL).</summary>
internal static partial class Posix
{
    public const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    public static void Terminate(int pid) => _ = Kill(pid, SigTerm);
}
