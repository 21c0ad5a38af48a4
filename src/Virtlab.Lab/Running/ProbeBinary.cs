namespace Virtlab.Lab.Running;

/// <summary>
/// The probe the host world runs under: the same static <c>virtlab-probe</c> that is in the guest image, left beside
/// the image by guest/build-image.sh (<c>$VIRTLAB_CACHE_DIR</c>, else <c>$XDG_CACHE_HOME/virtlab</c>, else
/// <c>~/.cache/virtlab</c>, then <c>images/default/virtlab-probe</c>).
/// </summary>
internal static class ProbeBinary
{
    public static string Path => System.IO.Path.Combine(CacheDir(), "images", "default", "virtlab-probe");

    public static string Find() =>
        File.Exists(Path)
            ? Path
            : throw new LabWorldException($"the host world needs the probe at {Path}, which the guest image build leaves there: run 'make image'");

    private static string CacheDir()
    {
        var cache = Environment.GetEnvironmentVariable("VIRTLAB_CACHE_DIR");
        if (!string.IsNullOrEmpty(cache))
        {
            return cache;
        }

        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        return System.IO.Path.Combine(
            string.IsNullOrEmpty(xdg) ? System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache") : xdg,
            "virtlab");
    }
}
