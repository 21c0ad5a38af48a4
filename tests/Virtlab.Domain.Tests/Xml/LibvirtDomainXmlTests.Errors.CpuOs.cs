using Virtlab.Domain.Xml;

namespace Virtlab.Domain.Tests.Xml;

public sealed partial class LibvirtDomainXmlTests
{
    [Fact]
    public void More_vcpus_than_the_maximum_is_reported_at_the_current_attribute()
    {
        var error = SingleError(Domain("<vcpu placement='static' current='5'>4</vcpu>"));

        Assert.Equal("/domain/vcpu/@current", error.Path);
        Assert.Contains("5 vCPUs at start is more than the maximum of 4", error.Message);
    }

    [Fact]
    public void Too_many_vcpus_is_reported_at_the_vcpu_element()
    {
        Assert.Equal("/domain/vcpu", SingleError(Domain("<vcpu>300</vcpu>")).Path);
    }

    [Fact]
    public void A_custom_CPU_without_a_model_is_reported_at_the_model()
    {
        var error = SingleError(Domain("<cpu mode='custom' match='exact'><feature policy='require' name='avx'/></cpu>"));

        Assert.Equal("/domain/cpu/model", error.Path);
        Assert.Contains("custom mode needs a model", error.Message);
    }

    [Fact]
    public void A_duplicate_CPU_feature_is_reported_at_the_second()
    {
        var error = SingleError(Domain("""
            <cpu mode='custom'>
              <model>Nehalem</model>
              <feature policy='require' name='avx'/>
              <feature policy='disable' name='vmx'/>
              <feature policy='disable' name='avx'/>
            </cpu>
            """));

        Assert.Equal("/domain/cpu/feature[3]", error.Path);
        Assert.Contains("'avx' is already listed", error.Message);
    }

    [Fact]
    public void A_bad_CPU_feature_name_is_reported_at_its_name_attribute()
    {
        var error = SingleError(Domain("""
            <cpu mode='custom'><model>Nehalem</model>
              <feature policy='require' name='avx'/>
              <feature policy='require' name='AVX2'/>
            </cpu>
            """));

        Assert.Equal("/domain/cpu/feature[2]/@name", error.Path);
        Assert.Contains("lower case", error.Message);
    }

    [Fact]
    public void A_feature_without_a_name_or_with_a_bad_policy_is_reported()
    {
        var errors = ParseErrors(Domain("""
            <cpu mode='custom'><model>Nehalem</model>
              <feature policy='require'/>
              <feature policy='maybe' name='avx'/>
            </cpu>
            """));

        Assert.Equal(["/domain/cpu/feature[1]", "/domain/cpu/feature[2]/@policy"], errors.Select(e => e.Path));
    }

    [Theory]
    [InlineData("<cpu mode='custom' match='minimum'><model>Nehalem</model></cpu>", "/domain/cpu/@match")]
    [InlineData("<cpu mode='custom' check='full'><model>Nehalem</model></cpu>", "/domain/cpu/@check")]
    [InlineData("<cpu mode='host-passthrough' migratable='off'/>", "/domain/cpu/@migratable")]
    [InlineData("<cpu mode='maximum'/>", "/domain/cpu/@mode")]
    [InlineData("<cpu mode='custom'><model fallback='maybe'>Nehalem</model></cpu>", "/domain/cpu/model/@fallback")]
    [InlineData("<cpu mode='custom'><model vendor_id='GenuineIntel'>Nehalem</model></cpu>", "/domain/cpu/model/@vendor_id")]
    [InlineData("<cpu mode='custom'><model>Nehalem</model><topology sockets='1' cores='2' threads='1'/></cpu>", "/domain/cpu/topology")]
    public void CPU_settings_Virtlab_does_not_implement_are_reported(string cpu, string path)
    {
        Assert.Equal(path, SingleError(Domain(cpu, type: "kvm")).Path);
    }

    [Fact]
    public void Host_passthrough_under_TCG_is_reported_at_the_mode()
    {
        var error = SingleError(Domain("<cpu mode='host-passthrough'/>", type: "qemu"));

        Assert.Equal("/domain/cpu/@mode", error.Path);
        Assert.Contains("needs KVM", error.Message);
    }

    [Theory]
    [InlineData("<os><type arch='aarch64'>hvm</type></os>", "/domain/os/type/@arch")]
    [InlineData("<os><type machine='q35'>hvm</type></os>", "/domain/os/type/@machine")]
    [InlineData("<os><type>xen</type></os>", "/domain/os/type")]
    [InlineData("<os><boot dev='hd'/></os>", "/domain/os/boot")]
    [InlineData("<os firmware='efi'/>", "/domain/os/@firmware")]
    [InlineData("<os><initrd>/boot/initrd.img</initrd></os>", "/domain/os/initrd")]
    [InlineData("<os><kernel>vmlinux</kernel></os>", "/domain/os/kernel")]
    public void OS_settings_Virtlab_does_not_implement_are_reported(string os, string path)
    {
        Assert.Equal(path, SingleError(Domain(os)).Path);
    }

    [Theory]
    [InlineData("<clock offset='localtime'/>", "/domain/clock/@offset")]
    [InlineData("<clock offset='utc'><timer name='rtc' tickpolicy='catchup'/></clock>", "/domain/clock/timer")]
    [InlineData("<features><pmu/></features>", "/domain/features/pmu")]
    [InlineData("<features><pmu state='maybe'/></features>", "/domain/features/pmu/@state")]
    [InlineData("<features><vmport state='off'/></features>", "/domain/features/vmport")]
    public void Clock_and_feature_settings_Virtlab_does_not_implement_are_reported(string inner, string path)
    {
        Assert.Equal(path, SingleError(Domain(inner)).Path);
    }
}
