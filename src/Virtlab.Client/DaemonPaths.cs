namespace Virtlab.Client;

/// <summary>The daemon's socket and log for a $VIRTLAB_HOME (the same rule as the daemon's).</summary>
public sealed class DaemonPaths
{
    /// <param name="home">A host's home; null: $VIRTLAB_HOME, else $XDG_DATA_HOME/virtlab, else ~/.local/share/virtlab.</param>
    public DaemonPaths(string? home = null)
    {
        home ??= Environment.GetEnvironmentVariable("VIRTLAB_HOME");
        if (string.IsNullOrEmpty(home))
        {
            var data = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
            if (string.IsNullOrEmpty(data))
            {
                data = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
            }

            home = Path.Combine(data, "virtlab");
        }

        Home = Path.GetFullPath(home);
    }

    public string Home { get; }

    public string DaemonSocket => Path.Combine(Home, "virtlabd.sock");

    public string DaemonLog => Path.Combine(Home, "virtlabd.log");

    /// <summary>$VIRTLAB_DAEMON, else virtlabd beside this program, else the repository's build output.</summary>
    public string DaemonExecutable()
    {
        var env = Environment.GetEnvironmentVariable("VIRTLAB_DAEMON");
        if (!string.IsNullOrEmpty(env))
        {
            return env;
        }

        var here = AppContext.BaseDirectory;
        foreach (var candidate in new[] { Path.Combine(here, "virtlabd"), Path.Combine(here, "..", "daemon", "virtlabd") })
        {
            if (File.Exists(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }

        throw new DaemonCallException("cannot find virtlabd: set VIRTLAB_DAEMON, or run ./virtlab from the repository (it builds both)");
    }
}
