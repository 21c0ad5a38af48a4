using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using Virtlab.Lab.Reports.JUnit;

namespace Virtlab.Lab.Tests.Reports;

/// <summary>
/// junit.xml against the JUnit format CI systems read (Jenkins, GitLab, Ant's junitreport), in its strict form:
/// tests/Virtlab.Lab.Tests/Schemas/junit.xsd. A broken document must fail, so that the validation cannot pass by
/// validating nothing.
/// </summary>
public sealed class JUnitSchemaTests
{
    public static TheoryData<string> Schemas => ["junit.xsd"];

    [Theory]
    [MemberData(nameof(Schemas))]
    public async Task Given_the_sample_run_then_the_written_junit_xml_validates_with_no_errors(string schema)
    {
        var (_, files) = await ReportDirectory.WriteAsync(SampleRuns.WorkerPool());

        var errors = Validate(XDocument.Load(files.Single(f => f.EndsWith("junit.xml", StringComparison.Ordinal))), schema);

        Assert.Empty(errors);
    }

    [Theory]
    [MemberData(nameof(Schemas))]
    public void Given_a_testcase_without_its_name_then_validation_fails(string schema)
    {
        var doc = JUnitReport.Build(SampleRuns.WorkerPool());
        doc.Root!.Element("testsuite")!.Element("testcase")!.Attribute("name")!.Remove();

        var errors = Validate(doc, schema);

        Assert.Contains(errors, e => e.Contains("'name'", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Schemas))]
    public void Given_an_element_junit_does_not_know_then_validation_fails(string schema)
    {
        var doc = JUnitReport.Build(SampleRuns.WorkerPool());
        doc.Root!.Element("testsuite")!.Element("testcase")!.Add(new XElement("verdict", "failed"));

        var errors = Validate(doc, schema);

        Assert.Contains(errors, e => e.Contains("verdict", StringComparison.Ordinal));
    }

    [Fact]
    public void Given_two_outcomes_in_one_testcase_then_the_strict_schema_rejects_it()
    {
        var doc = JUnitReport.Build(SampleRuns.WorkerPool());
        var testcase = doc.Root!.Elements("testsuite").ElementAt(1).Elements("testcase").ElementAt(1);
        testcase.Add(new XElement("error", new XAttribute("type", "x")));

        Assert.NotEmpty(Validate(doc, "junit.xsd"));
    }

    private static List<string> Validate(XDocument doc, string schemaFile)
    {
        var set = new XmlSchemaSet();
        using (var reader = XmlReader.Create(Path.Combine(AppContext.BaseDirectory, "Schemas", schemaFile)))
        {
            set.Add(null, reader);
        }

        set.Compile();
        Assert.True(set.GlobalElements.Contains(new XmlQualifiedName("testsuites")), $"{schemaFile} declares no testsuites element");
        var errors = new List<string>();
        doc.Validate(set, (_, e) => errors.Add($"{e.Severity}: {e.Message}"));
        return errors;
    }
}
