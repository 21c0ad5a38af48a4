namespace Virtlab.Engine.Host;

/// <summary>
/// Where one Virtlab host keeps its state. Everything lives under <see cref="Home"/>
/// (<c>$VIRTLAB_HOME</c>, default <c>$XDG_DATA_HOME/virtlab</c>), so tests and several hosts
/// on one machine never share state. The guest image cache is shared (it is keyed by its inputs).
/// </summary>
public sealed class VirtlabPaths
{
    // sun_path is 108 bytes on Linux, including the terminating NUL.
    private const int MaxSocketPath = 107;

    public VirtlabPaths(string home, string cacheDir)
    {
        Home = Path.GetFullPath(home);
        CacheDir = Path.GetFullPath(cacheDir);
    }

    public string Home { get; }

    public string CacheDir { get; }

    public string Database => Path.Combine(Home, "state.db");

    public string DaemonSocket => Path.Combine(Home, "virtlabd.sock");

    public string DaemonLog => Path.Combine(Home, "virtlabd.log");

    public string DaemonPidFile => Path.Combine(Home, "virtlabd.pid");

    public string RunRoot => Path.Combine(Home, "run");

    public string ImagesDir => Path.Combine(CacheDir, "images");

    public string VmRunDir(string name) => Path.Combine(RunRoot, name);

    public static VirtlabPaths FromEnvironment()
    {
        var home = Environment.GetEnvironmentVariable("VIRTLAB_HOME");
        if (string.IsNullOrEmpty(home))
        {
            var data = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
            if (string.IsNullOrEmpty(data))
            {
                data = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
            }

            home = Path.Combine(data, "virtlab");
        }

        var cache = Environment.GetEnvironmentVariable("VIRTLAB_CACHE_DIR");
        if (string.IsNullOrEmpty(cache))
        {
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            if (string.IsNullOrEmpty(xdg))
            {
                xdg = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            }

            cache = Path.Combine(xdg, "virtlab");
        }

        return new VirtlabPaths(home, cache);
    }

    /// <summary>Creates the home and run dirs, owner-only (0700).</summary>
    public void EnsureCreated()
    {
        foreach (var dir in new[] { Home, RunRoot })
        {
            Directory.CreateDirectory(dir);
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>Fails with a clear message when a unix socket path would be too long for the kernel.</summary>
    public static void CheckSocketPath(string path)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(path) > MaxSocketPath)
        {
            throw new VirtlabException(
                ErrorKind.InvalidInput,
                $"socket path '{path}' is longer than {MaxSocketPath} bytes, the limit for unix sockets: set VIRTLAB_HOME to a shorter directory");
        }
    }
}
