using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Playwright;

namespace Virtlab.Lab.Tests.Reports.Browser;

/// <summary>
/// A page open in <see cref="HeadlessChromium"/>: what its console and scripts reported, every request it made that
/// was not for a local file (a self-contained page makes none), values read from the live DOM, and screenshots.
/// </summary>
internal sealed class LoadedPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly IPage _page;
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly ConcurrentQueue<string> _remoteRequests = new();

    public LoadedPage(IBrowserContext context, IPage page)
    {
        _context = context;
        _page = page;
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                _errors.Enqueue($"console {message.Type}: {message.Text}");
            }
        };
        page.PageError += (_, error) => _errors.Enqueue($"page error: {error}");
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith("file:", StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
            {
                _remoteRequests.Enqueue(request.Url);
            }
        };
        page.Dialog += (_, dialog) =>
        {
            _errors.Enqueue($"dialog {dialog.Type}: {dialog.Message}");
            _ = dialog.DismissAsync();
        };
    }

    /// <summary>Console errors and warnings, uncaught script errors and dialogs (an alert means a script ran).</summary>
    public IReadOnlyList<string> Errors => [.. _errors];

    public IReadOnlyList<string> RemoteRequests => [.. _remoteRequests];

    /// <summary>Runs a JavaScript function in the page and returns its result as JSON.</summary>
    public async Task<JsonElement> EvaluateAsync(string function) => await _page.EvaluateAsync<JsonElement>(function);

    public async Task ScreenshotAsync(string path, bool fullPage = true) =>
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = fullPage, Type = ScreenshotType.Png });

    public async ValueTask DisposeAsync() => await _context.CloseAsync();
}
