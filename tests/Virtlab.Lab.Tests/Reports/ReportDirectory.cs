using System.Xml;
using System.Xml.Linq;
using Virtlab.Lab.Reports;
using Virtlab.Lab.Results;

namespace Virtlab.Lab.Tests.Reports;

/// <summary>A sample run's reports written into a scratch directory under the test output (bin/.../report-tests/), and the page read back as XML (it is well-formed).</summary>
internal static class ReportDirectory
{
    public static async Task<(string Directory, IReadOnlyList<string> Files)> WriteAsync(LabRun run, string? directory = null)
    {
        directory ??= Path.Combine(AppContext.BaseDirectory, "report-tests", Guid.NewGuid().ToString("N"));
        var files = await ReportWriter.WriteAsync(run, directory, TestContext.Current.CancellationToken);
        return (directory, files);
    }

    public static XDocument ParseHtml(string html)
    {
        using var reader = XmlReader.Create(new StringReader(html), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        return XDocument.Load(reader);
    }

    public static IEnumerable<XElement> Named(this XContainer root, string localName) =>
        root.Descendants().Where(e => e.Name.LocalName == localName);

    public static bool HasClass(this XElement element, string cssClass) =>
        ((string?)element.Attribute("class") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(cssClass);
}
