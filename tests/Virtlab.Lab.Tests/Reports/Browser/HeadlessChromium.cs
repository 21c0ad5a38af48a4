using Microsoft.Playwright;

namespace Virtlab.Lab.Tests.Reports.Browser;

/// <summary>
/// Debian's Chromium, headless, driven by Playwright's bundled driver (never 'playwright install': no browser is
/// downloaded). The launch flags keep Chromium off the network, which is closed here: without them it waits on
/// connections (component updates, sync, QUIC). <c>VIRTLAB_CHROMIUM</c> names another executable.
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    public const string DefaultExecutable = "/usr/bin/chromium";

    public static readonly IReadOnlyList<string> LaunchArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private HeadlessChromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    /// <summary>Where Chromium is looked for: <c>VIRTLAB_CHROMIUM</c>, else Debian's path.</summary>
    public static string Candidate => Environment.GetEnvironmentVariable("VIRTLAB_CHROMIUM") is { Length: > 0 } p ? p : DefaultExecutable;

    /// <summary>The Chromium to use, or null when this machine has none.</summary>
    public static string? Find() => File.Exists(Candidate) ? Candidate : null;

    public static async Task<HeadlessChromium> LaunchAsync(string executable, TimeSpan timeout)
    {
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = executable,
                Headless = true,
                Args = LaunchArgs,
                Timeout = (float)timeout.TotalMilliseconds,
            });
            return new HeadlessChromium(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>Opens a local file in a fresh page of the given width and waits until it has loaded.</summary>
    public async Task<LoadedPage> OpenAsync(string file, int width, TimeSpan timeout)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = 900 } });
        var page = await context.NewPageAsync();
        var loaded = new LoadedPage(context, page);
        await page.GotoAsync(new Uri(Path.GetFullPath(file)).AbsoluteUri, new PageGotoOptions
        {
            WaitUntil = WaitUntilState.Load,
            Timeout = (float)timeout.TotalMilliseconds,
        });
        return loaded;
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.CloseAsync();
        _playwright.Dispose();
    }
}
