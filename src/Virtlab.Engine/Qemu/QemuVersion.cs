using System.Globalization;
using System.Text.RegularExpressions;

namespace Virtlab.Engine.Qemu;

/// <summary>A QEMU version as <c>qemu-system-x86_64 --version</c> prints it.</summary>
public sealed partial record QemuVersion(int Major, int Minor, int Micro, string Package) : IComparable<QemuVersion>
{
    public int CompareTo(QemuVersion? other)
    {
        if (other is null)
        {
            return 1;
        }

        var c = Major.CompareTo(other.Major);
        if (c == 0)
        {
            c = Minor.CompareTo(other.Minor);
        }

        return c == 0 ? Micro.CompareTo(other.Micro) : c;
    }

    public bool AtLeast(int major, int minor = 0) => Major > major || (Major == major && Minor >= minor);

    public override string ToString() => string.IsNullOrEmpty(Package)
        ? $"{Major}.{Minor}.{Micro}"
        : $"{Major}.{Minor}.{Micro} ({Package})";

    /// <summary>Parses "QEMU emulator version 10.0.2 (Debian 1:10.0.2+ds-2+deb13u1~bpo12+1)".</summary>
    public static QemuVersion? Parse(string versionOutput)
    {
        var m = VersionLine().Match(versionOutput);
        if (!m.Success)
        {
            return null;
        }

        return new QemuVersion(
            int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
            int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
            m.Groups[3].Success ? int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) : 0,
            m.Groups[4].Success ? m.Groups[4].Value.Trim() : string.Empty);
    }

    [GeneratedRegex(@"QEMU emulator version (\d+)\.(\d+)(?:\.(\d+))?(?:\s*\(([^)]*)\))?")]
    private static partial Regex VersionLine();
}
