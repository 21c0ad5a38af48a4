using System.Diagnostics;
using Virtlab.Api;
using Virtlab.Domain.Xml;
using Virtlab.Engine;
using Virtlab.Engine.Lifecycle;
using Virtlab.Engine.Passthrough;
using Virtlab.Fuzz.Tests.Targets;

namespace Virtlab.Fuzz.Tests.Regressions;

/// <summary>The daemon request and libvirt XML findings of the fuzz tests, one test each (docs/RELIABILITY.md):
/// before the fix the first two were 500s (ArgumentNullException, ArgumentException), the XML ones took minutes or gigabytes.</summary>
public sealed class RequestAndXmlFindingsTests
{
    [Theory]
    [InlineData("""{"timeoutSeconds": 5}""")]
    [InlineData("""{"command": null}""")]
    public void A_monitor_command_body_without_a_command_is_a_400(string body)
    {
        var e = Assert.Throws<VirtlabException>(() => ApiRequestTarget.Bind(3, System.Text.Encoding.UTF8.GetBytes(body)));

        Assert.Equal(ErrorKind.InvalidInput, e.Kind);
        Assert.Contains("no command", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_monitor_command_with_execute_twice_is_a_400()
    {
        var e = Assert.Throws<VirtlabException>(() => PassthroughService.ParseCommand("""{"execute":"stop","execute":"quit"}""", "qemu-monitor-command"));

        Assert.Equal(ErrorKind.InvalidInput, e.Kind);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(" ")]
    public void A_define_body_without_xml_is_a_400(string? xml)
    {
        var e = Assert.Throws<VirtlabException>(() => DefineRequestParser.Parse(new DefineRequest(xml!)));

        Assert.Equal(ErrorKind.InvalidInput, e.Kind);
        Assert.Contains("no domain XML", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Domain_XML_nested_100000_deep_is_refused_at_once()
    {
        var xml = "<domain type='qemu'><name>d</name>" + string.Concat(Enumerable.Repeat("<x>", 100_000)) + string.Concat(Enumerable.Repeat("</x>", 100_000)) + "</domain>";
        var clock = Stopwatch.StartNew();

        var result = LibvirtDomainXml.Parse(xml);

        // It took 27.6 s before the depth check; the bound leaves room for a loaded machine.
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        Assert.Contains("more than 32 deep", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Domain_XML_with_9000_unknown_devices_lists_50_problems()
    {
        var xml = "<domain type='qemu'><name>d</name><devices>" + string.Concat(Enumerable.Repeat("<x/>", 9000)) + "</devices></domain>";

        var result = LibvirtDomainXml.Parse(xml);

        Assert.Equal("/domain/devices/x[1]", result.Errors[0].Path);
        Assert.Contains(result.Errors, e => e.Message.StartsWith("more than 50 problems", StringComparison.Ordinal));
    }

    [Fact]
    public void Domain_XML_with_over_10000_elements_is_refused_at_once()
    {
        var xml = "<domain type='qemu'><name>d</name><devices>" + string.Concat(Enumerable.Repeat("<x/>", 100_000)) + "</devices></domain>";

        var result = LibvirtDomainXml.Parse(xml);

        Assert.Contains("more than 10000 elements", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Domain_XML_with_9000_repeated_CPU_features_lists_50_problems_within_the_bounds()
    {
        var xml = "<domain type='qemu'><name>d</name><memory>262144</memory><cpu mode='custom'><model>qemu64</model>"
            + string.Concat(Enumerable.Repeat("<feature name='avx'/>", 9000)) + "</cpu></domain>";
        var allocated = GC.GetAllocatedBytesForCurrentThread();

        var result = LibvirtDomainXml.Parse(xml);

        // The allocation is the bound that tells the fixed reader from the old one (2.4 GB); time is not a unit test's.
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - allocated, 0, 256L * 1024 * 1024);
        Assert.Equal(51, result.Errors.Count); // 50 problems and "more than 50 problems"
    }

    [Fact]
    public void Domain_XML_with_an_element_of_20000_attributes_is_refused_at_once()
    {
        var xml = "<domain type='qemu' " + string.Join(' ', Enumerable.Range(0, 20_000).Select(i => $"a{i}='1'")) + "><name>d</name></domain>";

        var result = LibvirtDomainXml.Parse(xml);

        Assert.Contains("more than 64 attributes", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }
}
