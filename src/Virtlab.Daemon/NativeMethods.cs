using System.Runtime.InteropServices;

namespace Virtlab.Daemon;

internal static partial class NativeMethods
{
    private const int O_RDONLY = 0;
    private const int O_WRONLY = 1;
    private const int O_CREAT = 0x40;
    private const int O_APPEND = 0x400;

    public static void Umask(uint mask) => umask(mask);

    /// <summary>Leaves the starting terminal's session and sends stdio to the log, so the CLI that started us can exit.</summary>
    public static void Detach(string logPath)
    {
        setsid();
        var nul = open("/dev/null", O_RDONLY, 0);
        var log = open(logPath, O_WRONLY | O_CREAT | O_APPEND, 0x180);
        if (nul >= 0)
        {
            dup2(nul, 0);
            close(nul);
        }

        if (log >= 0)
        {
            dup2(log, 1);
            dup2(log, 2);
            close(log);
        }
    }

    [LibraryImport("libc")]
    private static partial uint umask(uint mask);

    [LibraryImport("libc")]
    private static partial int setsid();

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags, uint mode);

    [LibraryImport("libc")]
    private static partial int dup2(int oldfd, int newfd);

    [LibraryImport("libc")]
    private static partial int close(int fd);
}
