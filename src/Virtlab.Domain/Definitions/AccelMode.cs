namespace Virtlab.Domain.Definitions;

public enum AccelMode
{
    /// <summary>KVM when it can really run a guest here, else TCG (and say why).</summary>
    Auto,
    Kvm,
    Tcg,
}
