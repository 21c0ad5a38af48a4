using Virtlab.Domain.Definitions;
using Virtlab.Engine.Domains;

namespace Virtlab.Engine.Qemu;

/// <summary>
/// What this QEMU and the default accelerator give a guest CPU, probed once with a QEMU of its own
/// (<c>-machine none</c>) and cached per daemon; and the plain list of CPU model names (<c>-cpu help</c>). Shared by
/// definition checks, the CPU feature and capabilities.
/// </summary>
public sealed class CpuCapsCache(EngineContext context)
{
    private readonly Lock _gate = new();
    private Task<QemuCpuCaps>? _caps;
    private IReadOnlySet<string>? _models;

    public Task<QemuCpuCaps> GetAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_caps is null || _caps.IsFaulted || _caps.IsCanceled)
            {
                var accel = context.Accel.Select(AccelMode.Auto).Name;
                var dir = Path.Combine(context.Paths.RunRoot, $".probe-{Environment.ProcessId}");
                var qemu = context.Qemu.Path;
                _caps = Task.Run(() => QemuCpuCaps.ProbeAsync(qemu, accel, dir, CancellationToken.None), CancellationToken.None);
            }

            return _caps.WaitAsync(cancellationToken);
        }
    }

    /// <summary>The CPU models this QEMU knows; empty when QEMU is missing (then models are not checked here).</summary>
    public IReadOnlySet<string> ModelNames()
    {
        if (_models is null)
        {
            try
            {
                _models = QemuCpuModels.List(context.Qemu.Path);
            }
            catch (VirtlabException)
            {
                return new HashSet<string>();
            }
        }

        return _models;
    }
}
