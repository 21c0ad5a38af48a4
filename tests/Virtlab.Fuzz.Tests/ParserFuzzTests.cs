using Virtlab.Fuzz.Tests.Harness;
using Virtlab.Fuzz.Tests.Targets;

namespace Virtlab.Fuzz.Tests;

/// <summary>
/// Every parser of outside input, fed generated input (mutations of real seeds, random bytes and strings, deep
/// nesting, oversized lines): each input is accepted or rejected with the parser's one documented error and a message;
/// never another exception, never over 2 s, never over 256 MiB. The unit tests run 2,000 inputs per parser with a fixed
/// seed; <c>make fuzz</c> runs 100,000 (VIRTLAB_FUZZ_ITER) and writes the table to .build/fuzz-report.md.
/// </summary>
public sealed class ParserFuzzTests(FuzzReport report)
{
    [Fact]
    public void The_QMP_reader_accepts_or_rejects_every_input_with_a_QmpException() => Fuzz(QmpReaderTarget.Target);

    [Fact]
    public void The_guest_agent_reader_accepts_or_rejects_every_input_and_resyncs_after_0xFF() => Fuzz(GuestAgentReaderTarget.Target);

    [Fact]
    public void The_libvirt_XML_reader_reports_every_bad_input_as_errors_and_accepted_XML_escapes_in_argv() => Fuzz(LibvirtXmlTarget.Target);

    [Fact]
    public void The_daemons_request_bodies_are_bound_and_checked_without_a_500() => Fuzz(ApiRequestTarget.Target);

    [Fact]
    public void Sizes_are_accepted_or_rejected_with_a_VirtlabException() => Fuzz(CreateOptionTargets.Size);

    [Fact]
    public void CPU_specs_are_accepted_or_rejected_and_accepted_ones_escape_in_argv() => Fuzz(CreateOptionTargets.Cpu);

    [Fact]
    public void Network_specs_are_accepted_or_rejected_and_accepted_ones_escape_in_argv() => Fuzz(CreateOptionTargets.Network);

    [Fact]
    public void VM_names_are_accepted_or_rejected_and_accepted_ones_escape_in_argv() => Fuzz(CreateOptionTargets.Name);

    [Fact]
    public void Vcpu_specs_are_accepted_or_rejected_with_a_VirtlabException() => Fuzz(CreateOptionTargets.Vcpus);

    private void Fuzz<T>(FuzzTarget<T> target)
    {
        var result = FuzzRunner.Run(target, TestContext.Current.CancellationToken);
        report.Add(result);
        TestContext.Current.TestOutputHelper?.WriteLine(result.Describe());
        Assert.True(result.Passed, result.Describe());
        Assert.Equal(FuzzRunner.Iterations, result.Tried);
    }
}
