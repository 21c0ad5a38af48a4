using Virtlab.Engine.Qemu;

namespace Virtlab.Engine.Domains;

/// <summary>A domain's run directory (run/NAME/: sockets, logs, markers): owner-only, cleaned between QEMU processes.</summary>
internal static class RunDirectory
{
    public static void Prepare(VmRunPaths run)
    {
        Host.VirtlabPaths.CheckSocketPath(run.QmpSocket);
        Host.VirtlabPaths.CheckSocketPath(run.AgentSocket);
        Directory.CreateDirectory(run.Directory);
        File.SetUnixFileMode(run.Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var s in run.ProcessFiles)
        {
            TryDelete(s);
        }
    }

    /// <summary>QEMU created the sockets with its umask; make sure they are 0600.</summary>
    public static void RestrictSockets(VmRunPaths run)
    {
        foreach (var s in new[] { run.QmpSocket, run.AgentSocket })
        {
            if (File.Exists(s))
            {
                File.SetUnixFileMode(s, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }

    public static void TryDeleteAll(string dir)
    {
        try
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The last <paramref name="n"/> non-empty lines of a log, joined with " | " (for one-line errors).</summary>
    public static string LastLines(string path, int n)
    {
        if (!File.Exists(path))
        {
            return "(no QEMU log)";
        }

        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).TakeLast(n);
        return string.Join(" | ", lines);
    }
}
