using System.Diagnostics;

namespace Virtlab.Engine.Qemu;

/// <summary>The QEMU executable this host uses and what it is known to get wrong.</summary>
public sealed class QemuBinary
{
    private QemuBinary(string path, QemuVersion version)
    {
        Path = path;
        Version = version;
    }

    public string Path { get; }

    public QemuVersion Version { get; }

    public IEnumerable<QemuDefect> Defects => QemuDefect.Known.Where(d => d.Affects(Version));

    /// <summary>Finds qemu-system-x86_64 ($VIRTLAB_QEMU, else PATH) and reads its version.</summary>
    public static QemuBinary Locate()
    {
        var path = Environment.GetEnvironmentVariable("VIRTLAB_QEMU");
        if (string.IsNullOrEmpty(path))
        {
            path = FindOnPath("qemu-system-x86_64");
        }

        if (path is null || !File.Exists(path))
        {
            throw new VirtlabException(
                ErrorKind.Unsupported,
                "qemu-system-x86_64 was not found: " + QemuDefect.InstallHint);
        }

        var psi = new ProcessStartInfo(path, "--version")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var p = System.Diagnostics.Process.Start(psi)
            ?? throw new VirtlabException(ErrorKind.Unsupported, $"could not run {path}");
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit(10_000);
        var version = QemuVersion.Parse(output)
            ?? throw new VirtlabException(ErrorKind.Unsupported, $"could not read the version of {path} from '{output.Trim()}'");
        return new QemuBinary(path, version);
    }

    /// <summary>Throws when this QEMU has a known defect for the operation.</summary>
    public void EnsureSafeFor(string operation)
    {
        var defect = Defects.FirstOrDefault(d => d.Operation == operation);
        if (defect is not null)
        {
            throw new VirtlabException(
                ErrorKind.Unsupported,
                $"refusing {operation} on QEMU {Version}: {defect.Summary}; {QemuDefect.InstallHint}");
        }
    }

    /// <summary>Throws when this QEMU is too old to start any guest safely.</summary>
    public void EnsureCanStart()
    {
        if (Version.CompareTo(QemuDefect.MinimumForStart) < 0)
        {
            throw new VirtlabException(
                ErrorKind.Unsupported,
                $"QEMU {Version} is older than {QemuDefect.MinimumForStart}, the oldest Virtlab supports; {QemuDefect.InstallHint}");
        }
    }

    private static string? FindOnPath(string name)
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':');
        return dirs.Select(d => System.IO.Path.Combine(d, name)).FirstOrDefault(File.Exists);
    }
}
