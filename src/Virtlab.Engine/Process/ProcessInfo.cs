using System.Globalization;

namespace Virtlab.Engine.Process;

/// <summary>What /proc says about a process: alive or not, and its start time (to tell a reused PID apart).</summary>
public static class ProcessInfo
{
    /// <summary>The process's start time in clock ticks since boot (field 22 of /proc/PID/stat), or null if it is gone or a zombie.</summary>
    public static long? StartTicks(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // "pid (comm) S ..." — comm may contain spaces and parentheses: split after the last ')'.
        var close = stat.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        var fields = stat[(close + 2)..].Split(' ');
        if (fields.Length < 20 || fields[0] is "Z" or "X")
        {
            return null;
        }

        return long.Parse(fields[19], CultureInfo.InvariantCulture);
    }

    /// <summary>True when the PID is alive (not a zombie) and, if given, started at the recorded time.</summary>
    public static bool IsAlive(int pid, long? expectedStartTicks = null)
    {
        var ticks = StartTicks(pid);
        return ticks is not null && (expectedStartTicks is null || ticks == expectedStartTicks);
    }

    /// <summary>The process's argv, from /proc/PID/cmdline; empty if it is gone.</summary>
    public static IReadOnlyList<string> CommandLine(int pid)
    {
        try
        {
            var raw = File.ReadAllText($"/proc/{pid}/cmdline");
            return raw.Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (IOException)
        {
            return [];
        }
    }
}
