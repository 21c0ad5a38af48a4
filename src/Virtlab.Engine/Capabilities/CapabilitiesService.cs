using Virtlab.Api;
using Virtlab.Domain.Definitions;
using Virtlab.Engine.Domains;
using Virtlab.Engine.Host;
using Virtlab.Engine.Images;
using Virtlab.Engine.Qemu;

namespace Virtlab.Engine.Capabilities;

/// <summary>virsh capabilities and version: this host's CPU, QEMU and its known defects, the accelerator and why, the CPU models, the guest image.</summary>
public sealed class CapabilitiesService(EngineContext context)
{
    /// <summary>Capabilities plus what needs a probing QEMU: the machine types.</summary>
    public async Task<CapabilitiesInfo> CapabilitiesAsync(CancellationToken cancellationToken)
    {
        var caps = Capabilities();
        try
        {
            var cpu = await context.CpuCaps.GetAsync(cancellationToken).ConfigureAwait(false);
            return caps with
            {
                MachineTypes = cpu.Machines
                    .OrderBy(m => m.Name, StringComparer.Ordinal)
                    .Select(m => m.Alias is null ? m.Name : $"{m.Name} (alias {m.Alias}{(m.IsDefault == true ? ", default" : string.Empty)})")
                    .ToList(),
            };
        }
        catch (VirtlabException e)
        {
            context.Log?.Invoke($"capabilities: probing QEMU failed: {e.Message}");
            return caps;
        }
    }

    /// <summary>The QEMU version, or why there is none.</summary>
    public string QemuVersionOrProblem()
    {
        try
        {
            return context.Qemu.Version.ToString();
        }
        catch (VirtlabException e)
        {
            return "unavailable: " + e.Message;
        }
    }

    private CapabilitiesInfo Capabilities()
    {
        string? qemuPath = null, qemuVersion = null;
        var defects = new List<DefectInfo>();
        try
        {
            qemuPath = context.Qemu.Path;
            qemuVersion = context.Qemu.Version.ToString();
            defects.AddRange(context.Qemu.Defects.Select(d => new DefectInfo(d.Operation, d.Summary, d.FixedIn.ToString())));
        }
        catch (VirtlabException)
        {
        }

        string? imageDir = null, kernel = null, problem = null;
        try
        {
            var img = GuestImage.Resolve("default", context.Paths.ImagesDir);
            imageDir = img.Directory;
            kernel = img.KernelRelease;
        }
        catch (VirtlabException e)
        {
            problem = e.Message;
        }

        var auto = context.Accel.Select(AccelMode.Auto);
        return new CapabilitiesInfo(
            HostCpu.Read(), qemuPath, qemuVersion, defects, context.Accel.Kvm.Usable, context.Accel.Kvm.Reason, auto.Name, auto.Reason,
            context.CpuCaps.ModelNames().Order(StringComparer.Ordinal).ToList(), imageDir, kernel, problem);
    }
}
