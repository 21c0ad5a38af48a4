namespace Virtlab.Qmp;

/// <summary>QEMU's version as reported in the greeting and by <c>query-version</c>
/// (<c>{"qemu": {"major", "minor", "micro"}, "package"}</c>).</summary>
public sealed record QemuVersion(int Major, int Minor, int Micro, string Package)
{
    /// <summary>"10.0.2" (without the package string).</summary>
    public override string ToString() => $"{Major}.{Minor}.{Micro}";
}
