namespace Virtlab.IntegrationTests.Infrastructure;

/// <summary>
/// What these tests need: QEMU and the default guest image. Locally a missing piece skips the
/// test with the reason; in CI (CI=true), where `make test` installed both, it fails instead.
/// </summary>
public static class Requirements
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string CacheDir
    {
        get
        {
            var cache = Environment.GetEnvironmentVariable("VIRTLAB_CACHE_DIR");
            if (!string.IsNullOrEmpty(cache))
            {
                return cache;
            }

            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            return Path.Combine(string.IsNullOrEmpty(xdg) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache") : xdg, "virtlab");
        }
    }

    public static string DefaultImageDir => Path.Combine(CacheDir, "images", "default");

    /// <summary>Skips (locally) or fails (CI) unless QEMU and the default image are present.</summary>
    public static void QemuAndImage()
    {
        string? missing = null;
        if (!File.Exists("/usr/bin/qemu-system-x86_64") && Environment.GetEnvironmentVariable("VIRTLAB_QEMU") is null)
        {
            missing = "qemu-system-x86_64 is not installed (run 'make test', which installs it)";
        }
        else if (!File.Exists(Path.Combine(DefaultImageDir, "initrd.img")))
        {
            missing = $"the default guest image is not built ({DefaultImageDir}): run 'make image'";
        }

        if (missing is null)
        {
            return;
        }

        if (InCi)
        {
            Assert.Fail("CI=true and " + missing);
        }

        Assert.Skip(missing);
    }

    /// <summary>The etcd binary (Debian's etcd-server, installed by scripts/install-deps.sh); skips locally, fails in CI without it.</summary>
    public static string Etcd()
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "etcd"))
            .FirstOrDefault(File.Exists);
        if (found is not null)
        {
            return found;
        }

        const string missing = "etcd is not installed (Debian's etcd-server: run 'make deps', which installs it)";
        if (InCi)
        {
            Assert.Fail("CI=true and " + missing);
        }

        Assert.Skip(missing);
        return string.Empty;
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Virtlab.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root (Virtlab.slnx)");
    }
}
