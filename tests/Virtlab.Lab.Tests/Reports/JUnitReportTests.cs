using System.Xml.Linq;
using Virtlab.Lab.Reports.JUnit;
using Virtlab.Lab.Results;

namespace Virtlab.Lab.Tests.Reports;

/// <summary>junit.xml as a CI system reads it: a suite per world, a case per check, failures with their explanation.</summary>
public sealed class JUnitReportTests
{
    private static readonly LabRun Run = SampleRuns.WorkerPool();
    private static readonly XDocument Doc = JUnitReport.Build(Run);

    private static XElement Suite(string id) => Doc.Root!.Elements("testsuite").Single(s => ((string)s.Attribute("name")!).StartsWith(id + ":", StringComparison.Ordinal));

    [Fact]
    public void Given_five_worlds_then_there_is_one_suite_per_world_named_by_id_and_label_with_a_case_per_check()
    {
        var suites = Doc.Root!.Elements("testsuite").ToList();

        Assert.Equal(Run.Worlds.Select(w => $"{w.Id}: {w.Label}"), suites.Select(s => (string?)s.Attribute("name")));
        Assert.All(suites, s => Assert.Equal(SampleRuns.CheckNames, s.Elements("testcase").Select(c => (string?)c.Attribute("name"))));
        Assert.All(suites, s => Assert.Equal("4", (string?)s.Attribute("tests")));
        Assert.Equal("worker-pool.vm-max-2v4-256m-auto", (string?)Suite("vm-max-2v4-256m-auto").Element("testcase")!.Attribute("classname"));
    }

    [Fact]
    public void Given_a_failed_check_then_its_case_has_a_failure_with_the_message_and_the_explanation()
    {
        var suite = Suite("vm-max-2v4-256m-auto");
        var failure = suite.Elements("testcase").Single(c => (string?)c.Attribute("name") == "pool follows the CPUs").Element("failure")!;

        Assert.Equal("1", (string?)suite.Attribute("failures"));
        Assert.Equal("workers=2 while 4 CPUs were online", (string?)failure.Attribute("message"));
        Assert.Equal("check failed", (string?)failure.Attribute("type"));
        Assert.Contains("stayed at 2 after the guest went from 2 to 4 online CPUs at t=12.3 s", failure.Value, StringComparison.Ordinal);
        Assert.Contains("at t=14.3 s", failure.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_world_the_lab_could_not_run_then_every_case_is_an_error_with_the_labs_reason()
    {
        var suite = Suite("vm-qemu64-1v2-256m-auto");

        Assert.Equal("4", (string?)suite.Attribute("errors"));
        Assert.All(suite.Elements("testcase"), c =>
        {
            var error = c.Element("error")!;
            Assert.Equal("lab error", (string?)error.Attribute("type"));
            Assert.StartsWith("the guest agent did not answer within 60 s", (string?)error.Attribute("message"), StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Given_a_skipped_check_then_its_case_has_skipped_and_the_suite_counts_it()
    {
        var host = Run.Worlds[0];
        var run = Run with { Worlds = [host with { Checks = [.. host.Checks.Take(3), new CheckResult("service answers", Verdict.Skipped, "no port on the host", null, null)] }] };

        var suite = JUnitReport.Build(run).Root!.Element("testsuite")!;

        Assert.Equal("1", (string?)suite.Attribute("skipped"));
        Assert.Equal("no port on the host", (string?)suite.Elements("testcase").Last().Element("skipped")!.Attribute("message"));
    }

    [Fact]
    public void Given_a_world_then_its_properties_give_its_spec_and_system_out_its_last_lines()
    {
        var suite = Suite("vm-max-2v4-256m-auto");
        var props = suite.Element("properties")!.Elements("property").ToDictionary(p => (string)p.Attribute("name")!, p => (string)p.Attribute("value")!);

        Assert.Equal("max", props["cpu"]);
        Assert.Equal("2,maxvcpus=4", props["vcpus"]);
        Assert.Equal("256M,maxmemory=1G", props["memory"]);
        Assert.Equal("tcg", props["accel"]);
        Assert.Equal("failed", props["world.verdict"]);
        Assert.Contains("beat 20 workers=2", suite.Element("system-out")!.Value, StringComparison.Ordinal);
        Assert.Contains("<b>&amp; bye</b>", suite.Element("system-err")!.Value, StringComparison.Ordinal);
        Assert.Equal("24.500", (string?)suite.Attribute("time"));
        Assert.All(suite.Elements("testcase"), c => Assert.Equal("0.000", (string?)c.Attribute("time")));
        Assert.Equal("2026-12-05T14:30:48", (string?)suite.Attribute("timestamp"));
    }

    [Fact]
    public void Given_output_with_control_characters_then_the_document_still_serializes()
    {
        var host = Run.Worlds[0];
        var run = Run with { Worlds = [host with { Output = [new OutputLine(1, 1, 1, "out", "\u001b[31mred\u001b[0m\0 bell\a")] }] };

        var xml = JUnitReport.Build(run).ToString();

        Assert.Contains("␛[31mred␛[0m␀ bell␇", xml, StringComparison.Ordinal);
    }
}
