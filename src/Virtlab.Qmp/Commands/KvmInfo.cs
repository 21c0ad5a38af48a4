namespace Virtlab.Qmp;

/// <summary>Reply of <c>query-kvm</c>.</summary>
/// <param name="Enabled">KVM is the accelerator of this VM.</param>
/// <param name="Present">KVM is available on the host (it may still be unusable for the guest).</param>
public sealed record KvmInfo(bool Enabled, bool Present);
