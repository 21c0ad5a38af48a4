using Virtlab.Domain.Definitions;

namespace Virtlab.Engine.Accel;

/// <summary>Turns a domain's <c>accel auto|kvm|tcg</c> into the accelerator it will run on.</summary>
public sealed class AcceleratorSelector
{
    private readonly Lazy<KvmProbe> _probe;

    public AcceleratorSelector(Func<KvmProbe>? probe = null)
    {
        _probe = new Lazy<KvmProbe>(probe ?? KvmProbe.FromHost);
    }

    public KvmProbe Kvm => _probe.Value;

    public Accelerator Select(AccelMode mode) => mode switch
    {
        AccelMode.Tcg => new Accelerator("tcg", "requested: accel tcg"),
        AccelMode.Kvm when Kvm.Usable => new Accelerator("kvm", "requested: accel kvm; " + Kvm.Reason),
        AccelMode.Kvm => throw new VirtlabException(
            ErrorKind.Unsupported,
            $"accel kvm requested but KVM cannot run this guest here: {Kvm.Reason}; use accel auto or tcg"),
        _ when Kvm.Usable => new Accelerator("kvm", "auto: " + Kvm.Reason),
        _ => new Accelerator("tcg", "auto: fell back to TCG because " + Kvm.Reason),
    };
}
