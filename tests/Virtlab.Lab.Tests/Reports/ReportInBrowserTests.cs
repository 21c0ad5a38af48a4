using System.Text.Json;
using Virtlab.Lab.Tests.Reports.Browser;

namespace Virtlab.Lab.Tests.Reports;

/// <summary>
/// report.html in a real browser (Debian's headless Chromium): the matrix and every plot render with a size, nothing
/// is fetched, the console stays quiet, and a full-page screenshot is left next to the report
/// (bin/.../browser-report/report.png). Skips without Chromium, except in CI (CI=true), where it fails instead.
/// </summary>
public sealed class ReportInBrowserTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private const string ReadDom = """
        () => {
          const sized = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
          const worlds = {};
          for (const s of document.querySelectorAll('section.world')) {
            worlds[s.id] = [...s.querySelectorAll('svg.plot')].filter(sized).length;
          }
          const svgs = [...document.querySelectorAll('svg.plot')];
          return {
            rows: document.querySelectorAll('table.matrix tbody tr').length,
            cells: [...document.querySelectorAll('table.matrix td.cell')].filter(sized).length,
            svgs: svgs.length,
            sizedSvgs: svgs.filter(sized).length,
            drawnSvgs: svgs.filter(s => [...s.querySelectorAll('polyline')].some(p => { const r = p.getBoundingClientRect(); return r.width + r.height > 0; })).length,
            narrowestSvg: Math.min(...svgs.map(s => s.getBoundingClientRect().width)),
            worlds,
            deadLinks: [...document.querySelectorAll('a[href^="#"]')].filter(a => !document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1)))).length,
            scripts: document.scripts.length,
            pageHeight: document.documentElement.scrollHeight
          };
        }
        """;

    [Fact]
    public async Task Given_the_sample_report_in_headless_chromium_then_the_matrix_and_every_plot_render_without_errors()
    {
        var chromium = HeadlessChromium.Find();
        if (chromium is null)
        {
            var reason = $"no Chromium at {HeadlessChromium.Candidate} (scripts/install-deps.sh installs Debian's 'chromium'; VIRTLAB_CHROMIUM names another)";
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", $"CI=true and {reason}");
            Assert.Skip(reason);
        }

        var directory = Path.Combine(AppContext.BaseDirectory, "browser-report");
        var (_, files) = await ReportDirectory.WriteAsync(SampleRuns.WorkerPool(), directory);
        var screenshot = Path.Combine(directory, "report.png");
        File.Delete(screenshot);

        await using var browser = await HeadlessChromium.LaunchAsync(chromium, Timeout);
        await using var page = await browser.OpenAsync(files[0], 1280, Timeout);
        var dom = await page.EvaluateAsync(ReadDom);
        await page.ScreenshotAsync(screenshot);
        TestContext.Current.SendDiagnosticMessage($"screenshot: {screenshot}; DOM: {dom}");

        Assert.Equal(5, dom.GetProperty("rows").GetInt32());
        Assert.Equal(5 * 4, dom.GetProperty("cells").GetInt32());
        Assert.Equal(22, dom.GetProperty("svgs").GetInt32());
        Assert.Equal(22, dom.GetProperty("sizedSvgs").GetInt32());
        Assert.Equal(22, dom.GetProperty("drawnSvgs").GetInt32());
        Assert.True(dom.GetProperty("narrowestSvg").GetDouble() > 900, $"a plot is only {dom.GetProperty("narrowestSvg")} px wide");
        // Playwright's JSON carries "$id" reference markers beside the object's own properties.
        var worlds = dom.GetProperty("worlds").EnumerateObject().Where(p => !p.Name.StartsWith('$')).ToDictionary(p => p.Name, p => p.Value.GetInt32());
        Assert.Equal(new Dictionary<string, int>
        {
            ["run-host"] = 5, ["run-vm-max-2v4-256m-auto"] = 5, ["run-vm-nehalem-2v4-256m-auto"] = 5,
            ["run-vm-max-2v4-512m-tcg"] = 7, ["run-vm-qemu64-1v2-256m-auto"] = 0,
        }, worlds);
        Assert.Equal(0, dom.GetProperty("deadLinks").GetInt32());
        Assert.Equal(0, dom.GetProperty("scripts").GetInt32());
        Assert.Empty(page.Errors);
        Assert.Empty(page.RemoteRequests);
        Assert.True(new FileInfo(screenshot).Length > 50_000, "the screenshot is nearly empty");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(screenshot)[..4]);
    }
}
