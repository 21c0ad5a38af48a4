using System.Xml.Linq;
using Virtlab.Lab.Reports.Html;
using Virtlab.Lab.Results;

namespace Virtlab.Lab.Tests.Reports;

/// <summary>report.html as a reader meets it: the matrix, the verdicts, a plot per kind of data, links that land, escaped user data.</summary>
public sealed class HtmlReportTests
{
    private static readonly LabRun Run = SampleRuns.WorkerPool();
    private static readonly string Html = HtmlReport.Render(Run);
    private static readonly XDocument Page = ReportDirectory.ParseHtml(Html);

    private static XElement Matrix => Page.Named("table").Single(t => t.HasClass("matrix"));

    private static XElement Section(string id) => Page.Named("section").Single(s => (string?)s.Attribute("id") == $"run-{id}");

    [Fact]
    public void Given_five_worlds_and_four_checks_then_the_matrix_has_a_row_per_world_and_a_cell_per_check()
    {
        var rows = Matrix.Named("tbody").Single().Elements("tr").ToList();

        Assert.Equal(Run.Worlds.Select(w => w.Id), rows.Select(r => (string?)r.Attribute("data-world")));
        Assert.All(rows, r => Assert.Equal(SampleRuns.CheckNames, r.Elements("td").Where(td => td.HasClass("cell")).Select(td => (string?)td.Attribute("data-check"))));
        Assert.Equal(SampleRuns.CheckNames, Matrix.Named("th").Where(th => th.HasClass("check")).Select(th => th.Value));
    }

    [Fact]
    public void Given_the_plugged_world_then_its_cell_for_the_pool_check_is_failed_and_the_others_passed()
    {
        var cells = Cells("vm-max-2v4-256m-auto");

        Assert.True(cells["pool follows the CPUs"].HasClass("fail"));
        Assert.Contains("✗ failed", cells["pool follows the CPUs"].Value, StringComparison.Ordinal);
        Assert.Contains("workers=2 while 4 CPUs were online", cells["pool follows the CPUs"].Value, StringComparison.Ordinal);
        Assert.All(new[] { "exit 0", "heartbeat", "service answers" }, c => Assert.True(cells[c].HasClass("pass")));
    }

    [Fact]
    public void Given_a_world_the_lab_could_not_run_then_its_verdict_cell_is_error_and_its_checks_not_run()
    {
        var row = Matrix.Named("tr").Single(r => (string?)r.Attribute("data-world") == "vm-qemu64-1v2-256m-auto");

        Assert.True(row.Elements("td").First().HasClass("error"));
        Assert.Contains("guest agent did not answer", row.Elements("td").First().Value, StringComparison.Ordinal);
        Assert.All(row.Elements("td").Where(td => td.HasClass("cell")), td => Assert.True(td.HasClass("none")));
    }

    [Fact]
    public void Given_every_world_then_each_row_head_and_cell_links_to_that_worlds_section_and_every_link_lands()
    {
        var ids = Page.Descendants().Select(e => (string?)e.Attribute("id")).Where(i => i is not null).ToHashSet();
        var links = Page.Named("a").Select(a => (string?)a.Attribute("href")).Where(h => h!.StartsWith('#')).ToList();

        Assert.NotEmpty(links);
        Assert.All(links, h => Assert.Contains(h![1..], ids));
        foreach (var row in Matrix.Named("tbody").Single().Elements("tr"))
        {
            var target = $"#run-{(string?)row.Attribute("data-world")}";
            Assert.All(row.Named("a"), a => Assert.Equal(target, (string?)a.Attribute("href")));
        }
    }

    [Theory]
    [InlineData("host", "cpus,memory,metrics,gaps,latency")]
    [InlineData("vm-max-2v4-256m-auto", "cpus,memory,metrics,gaps,latency")]
    [InlineData("vm-nehalem-2v4-256m-auto", "cpus,memory,metrics,gaps,latency")]
    [InlineData("vm-max-2v4-512m-tcg", "cpus,memory,metrics,gaps,latency,migration-ram,migration-dirty")]
    [InlineData("vm-qemu64-1v2-256m-auto", "")]
    public void Given_a_world_then_it_has_an_svg_plot_for_each_kind_of_data_it_has_and_none_for_the_rest(string id, string kinds)
    {
        var figures = Section(id).Named("figure").ToList();

        Assert.Equal(kinds.Split(',', StringSplitOptions.RemoveEmptyEntries), figures.Select(f => (string?)f.Attribute("data-plot")));
        Assert.All(figures, f => Assert.Single(f.Named("svg")));
        Assert.All(figures, f => Assert.NotEmpty(f.Named("polyline")));
    }

    [Fact]
    public void Given_events_then_every_timeline_plot_of_the_world_draws_them_as_labelled_bands()
    {
        var svgs = Section("vm-nehalem-2v4-256m-auto").Named("svg").ToList();

        Assert.All(svgs, svg =>
        {
            var texts = svg.Named("text").Select(t => t.Value).ToList();
            Assert.Contains("suspend 3s", texts);
            Assert.Contains("clock_step -2s", texts);
            Assert.Contains(svg.Named("rect"), r => ((string?)r.Attribute("style") ?? "").Contains("fill:rgb(230,159,0)", StringComparison.Ordinal));
        });
    }

    [Fact]
    public void Given_several_plots_then_their_clip_path_ids_are_unique_in_the_page()
    {
        var clipIds = Page.Named("clipPath").Select(c => (string?)c.Attribute("id")).ToList();

        Assert.True(clipIds.Count > 20);
        Assert.Equal(clipIds.Count, clipIds.Distinct().Count());
    }

    [Fact]
    public void Given_a_failed_check_then_its_explanation_is_shown_prominently_in_the_worlds_section()
    {
        var finding = Section("vm-max-2v4-256m-auto").Named("article").Single(a => a.HasClass("finding"));

        Assert.True(finding.HasClass("fail"));
        Assert.Contains("pool follows the CPUs", finding.Element("h3")!.Value, StringComparison.Ordinal);
        Assert.Contains("failed at t=14.3 s", finding.Element("h3")!.Value, StringComparison.Ordinal);
        Assert.Equal(
            "the app's worker pool stayed at 2 after the guest went from 2 to 4 online CPUs at t=12.3 s (setvcpus 4 --live at t=12.0 s)",
            finding.Elements("p").Single(p => p.HasClass("explanation")).Value);
    }

    [Fact]
    public void Given_a_world_label_with_a_script_tag_then_the_page_shows_it_as_text_and_runs_nothing()
    {
        Assert.DoesNotContain("<script", Html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("qemu64 &lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt;", Html, StringComparison.Ordinal);
        Assert.Contains(SampleRuns.ScriptLabel, Section("vm-qemu64-1v2-256m-auto").Element("h2")!.Value, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>&amp; bye</b>", Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_the_page_then_it_loads_nothing_from_anywhere_at_view_time()
    {
        var references = Page.Descendants().Attributes()
            .Where(a => a.Name.LocalName is "src" or "href" && !a.IsNamespaceDeclaration)
            .Select(a => a.Value).ToList();

        Assert.Empty(Page.Named("link"));
        Assert.Empty(Page.Named("script"));
        Assert.Empty(Page.Named("img"));
        Assert.All(references, r => Assert.DoesNotContain("://", r, StringComparison.Ordinal));
        Assert.DoesNotContain("@import", Html, StringComparison.Ordinal);
        Assert.DoesNotContain("@font-face", Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_the_header_then_it_states_the_prediction_next_to_what_was_observed()
    {
        var header = Page.Named("header").First();

        Assert.Equal("worker-pool", header.Element("h1")!.Value);
        Assert.Equal(Run.Expect, header.Named("dd").Single(d => d.HasClass("expect")).Value);
        Assert.Equal(
            "host passed; 1 of 4 VM worlds failed 'pool follows the CPUs', 1 of 4 failed 'heartbeat', 1 of 4 failed 'service answers'; 1 of 4 could not be run",
            header.Named("dd").Single(d => d.HasClass("observed")).Value);
        Assert.Contains("10.0.2, accel tcg", header.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_output_then_the_last_lines_are_in_a_collapsed_details_block()
    {
        var details = Section("host").Named("details").Single(d => d.HasClass("output"));

        Assert.Null(details.Attribute("open"));
        Assert.Contains("all 22 lines", details.Element("summary")!.Value, StringComparison.Ordinal);
        Assert.Contains("beat 20 workers=2", details.Element("pre")!.Value, StringComparison.Ordinal);
    }

    private static Dictionary<string, XElement> Cells(string worldId) =>
        Matrix.Named("tr").Single(r => (string?)r.Attribute("data-world") == worldId)
            .Elements("td").Where(td => td.HasClass("cell")).ToDictionary(td => (string)td.Attribute("data-check")!);
}
