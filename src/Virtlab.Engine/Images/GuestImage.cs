using System.Text.Json;

namespace Virtlab.Engine.Images;

/// <summary>
/// A guest image directory as guest/build-image.sh makes it: <c>vmlinux</c> (uncompressed,
/// PVH direct boot), <c>vmlinuz</c> (bzImage, the SeaBIOS fallback), <c>initrd.img</c> and
/// <c>manifest.json</c>. The default image is <c>$CACHE/images/default</c>.
/// </summary>
public sealed record GuestImage(string Directory, string? KernelRelease, bool Pvh = true)
{
    public string Vmlinux => Path.Combine(Directory, "vmlinux");

    public string Vmlinuz => Path.Combine(Directory, "vmlinuz");

    public string Initrd => Path.Combine(Directory, "initrd.img");

    /// <summary>PVH direct boot of the ELF kernel when the image has one (about 2x faster to the agent under TCG), else the bzImage through SeaBIOS.</summary>
    public string BootKernel => Pvh ? Vmlinux : Vmlinuz;

    public static GuestImage Resolve(string? image, string imagesDir)
    {
        var dir = string.IsNullOrEmpty(image) || image == "default" ? Path.Combine(imagesDir, "default") : image;
        if (!System.IO.Directory.Exists(dir))
        {
            throw new VirtlabException(
                image is null or "default" ? ErrorKind.Unsupported : ErrorKind.InvalidInput,
                image is null or "default"
                    ? $"the default guest image is not built ({dir} is missing): run 'make image'"
                    : $"image '{image}' does not exist: give a directory with vmlinux or vmlinuz and initrd.img, or use --image default");
        }

        var full = Path.GetFullPath(new DirectoryInfo(dir).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? dir);
        var img = new GuestImage(full, ReadKernelRelease(full), File.Exists(Path.Combine(full, "vmlinux")));
        if (!File.Exists(img.Initrd) || (!File.Exists(img.Vmlinux) && !File.Exists(img.Vmlinuz)))
        {
            throw new VirtlabException(
                ErrorKind.InvalidInput,
                $"image '{dir}' is incomplete: it needs initrd.img and vmlinux or vmlinuz (run 'make image' for the default one)");
        }

        return img;
    }

    private static string? ReadKernelRelease(string dir)
    {
        var manifest = Path.Combine(dir, "manifest.json");
        if (!File.Exists(manifest))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(manifest));
            return doc.RootElement.TryGetProperty("kernelRelease", out var k) ? k.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
