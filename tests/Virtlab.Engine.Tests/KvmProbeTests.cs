using Virtlab.Domain.Definitions;
using Virtlab.Engine;
using Virtlab.Engine.Accel;

namespace Virtlab.Engine.Tests;

public sealed class KvmProbeTests
{
    private static readonly HashSet<string> Vmx = ["fpu", "vmx", "hypervisor"];
    private static readonly HashSet<string> NoVmx = ["fpu", "hypervisor"];

    [Fact]
    public void Given_nested_pvm_kvm_like_this_sandbox_then_kvm_is_not_usable_and_the_reason_says_so()
    {
        var probe = KvmProbe.Decide(true, true, NoVmx, new HashSet<string> { "kvm", "kvm_pvm" });

        Assert.False(probe.Usable);
        Assert.Contains("kvm_pvm", probe.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_dev_kvm_and_vmx_then_kvm_is_usable() =>
        Assert.True(KvmProbe.Decide(true, true, Vmx, new HashSet<string> { "kvm", "kvm_intel" }).Usable);

    [Fact]
    public void Given_no_dev_kvm_then_kvm_is_not_usable() =>
        Assert.False(KvmProbe.Decide(false, false, Vmx, new HashSet<string>()).Usable);

    [Fact]
    public void Given_dev_kvm_without_vmx_or_svm_then_kvm_is_not_usable() =>
        Assert.False(KvmProbe.Decide(true, true, NoVmx, new HashSet<string> { "kvm" }).Usable);

    [Fact]
    public void Given_auto_and_unusable_kvm_then_tcg_is_chosen_and_the_reason_is_kept()
    {
        var selector = new AcceleratorSelector(() => new KvmProbe(false, "no vmx"));

        var accel = selector.Select(AccelMode.Auto);

        Assert.Equal("tcg", accel.Name);
        Assert.Contains("no vmx", accel.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_kvm_requested_but_unusable_then_selection_fails_with_what_to_do()
    {
        var selector = new AcceleratorSelector(() => new KvmProbe(false, "no vmx"));

        var e = Assert.Throws<VirtlabException>(() => selector.Select(AccelMode.Kvm));

        Assert.Contains("accel auto or tcg", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_auto_and_usable_kvm_then_kvm_is_chosen() =>
        Assert.Equal("kvm", new AcceleratorSelector(() => new KvmProbe(true, "ok")).Select(AccelMode.Auto).Name);
}
