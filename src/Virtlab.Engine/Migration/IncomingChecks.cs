using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Virtlab.Api;
using Virtlab.Domain.Definitions;
using Virtlab.Engine.Domains;
using Virtlab.Engine.Host;
using Virtlab.Engine.Images;
using Virtlab.Qmp;

namespace Virtlab.Engine.Migration;

/// <summary>The destination's own checks of an incoming VM, and where its QEMU listens for the stream.</summary>
internal static class IncomingChecks
{
    /// <summary>The source's hot-plugged devices come from another host: ids and drivers must be what Virtlab itself plugs.</summary>
    public static IEnumerable<string> LiveDeviceProblems(DomainDefinition def, LiveDevices devices)
    {
        static bool IsId(string id) => id.Length is > 0 and <= 32 && char.IsAsciiLetter(id[0]) && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
        foreach (var c in devices.Vcpus.Where(c => !IsId(c.Id) || !c.Driver.EndsWith("-x86_64-cpu", StringComparison.Ordinal) || !IsId(c.Driver)))
        {
            yield return $"the source sent a hot-plugged vCPU Virtlab does not plug ('{c.Id}', driver '{c.Driver}')";
        }

        foreach (var d in devices.Dimms.Where(d => !IsId(d.Id) || d.SizeBytes <= 0 || d.Addr < 0 || d.Slot < 0))
        {
            yield return $"the source sent a DIMM Virtlab does not plug ('{d.Id}')";
        }

        if (devices.Vcpus.Count + def.Vcpus > def.MaxVcpus)
        {
            yield return $"the source runs {def.Vcpus + devices.Vcpus.Count} vCPUs, above the domain's maximum of {def.MaxVcpus}";
        }

        if (devices.Dimms.Count > 0 && def.MaxMemoryKiB is null)
        {
            yield return "the source has DIMMs plugged, but the definition has no maxmemory";
        }
    }

    /// <summary>Whether the kernel or guest image the definition names is present on this host.</summary>
    public static Func<DomainDefinition, string?> ImageProblem(VirtlabPaths paths) => def =>
    {
        if (def.Os.Kernel is { } k)
        {
            return File.Exists(k) ? null : $"the kernel '{k}' is not present on the destination";
        }

        try
        {
            _ = GuestImage.Resolve(def.Os.Image, paths.ImagesDir);
            return null;
        }
        catch (VirtlabException e)
        {
            return $"the guest image is not present on the destination ({e.Message})";
        }
    };

    /// <summary>migrate-incoming on a free TCP port of the listen address (retried if another process took it).</summary>
    public static async Task<string> ListenAsync(DomainObject domain, string listenAddress, CancellationToken cancellationToken)
    {
        var address = IPAddress.Parse(listenAddress);
        for (var attempt = 0; ; attempt++)
        {
            int port;
            using (var probe = new TcpListener(address, 0))
            {
                probe.Start();
                port = ((IPEndPoint)probe.LocalEndpoint).Port;
            }

            var host = address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
            var uri = string.Create(CultureInfo.InvariantCulture, $"tcp:{host}:{port}");
            try
            {
                await domain.Qmp.MigrateIncomingAsync(uri, cancellationToken).ConfigureAwait(false);
                return uri;
            }
            catch (QmpCommandException) when (attempt < 3)
            {
                // The port was taken between our probe and QEMU's bind: try another.
            }
        }
    }
}
