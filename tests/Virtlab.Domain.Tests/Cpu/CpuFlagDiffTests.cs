using Virtlab.Domain.Cpu;

namespace Virtlab.Domain.Tests.Cpu;

public sealed class CpuFlagDiffTests
{
    [Fact]
    public void On_a_physical_host_the_guest_lacks_vmx_and_ept_and_adds_hypervisor_as_in_the_talk()
    {
        var diff = CpuFlagDiff.Compute(["fpu", "vmx", "ept", "avx", "arch_perfmon"], ["fpu", "avx", "hypervisor"]);

        Assert.Equal(["arch_perfmon", "ept", "vmx"], diff.Missing);
        Assert.Equal(["hypervisor"], diff.Added);
        Assert.Equal(["avx", "fpu"], diff.Common);
        Assert.False(diff.HostIsVirtual);
    }

    [Fact]
    public void On_a_host_that_is_itself_a_VM_hypervisor_is_on_both_sides_and_not_added()
    {
        var diff = CpuFlagDiff.Compute(["fpu", "hypervisor", "avx512f"], ["fpu", "hypervisor", "mtrr"]);

        Assert.DoesNotContain("hypervisor", diff.Added);
        Assert.Contains("hypervisor", diff.Common);
        Assert.Equal(["mtrr"], diff.Added);
        Assert.Equal(["avx512f"], diff.Missing);
        Assert.True(diff.HostIsVirtual);
    }
}
