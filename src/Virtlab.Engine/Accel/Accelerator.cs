namespace Virtlab.Engine.Accel;

/// <summary>The accelerator a VM runs on and why it was chosen (shown by capabilities and dominfo).</summary>
public sealed record Accelerator(string Name, string Reason)
{
    public bool IsKvm => Name == "kvm";
}
