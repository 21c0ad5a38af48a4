using System.Net;
using Virtlab.Lab.Results;

namespace Virtlab.Lab.Reports.Html;

/// <summary>The HTML writer's small helpers: every string that reaches the page goes through <see cref="E"/>.</summary>
internal static class H
{
    /// <summary>User data as HTML text or attribute value: control characters made visible, then HTML-encoded.</summary>
    public static string E(string? text) => WebUtility.HtmlEncode(ReportText.Clean(text));

    /// <summary>The id of a world's section: <c>run-ID</c>.</summary>
    public static string Anchor(WorldRun world) => E($"run-{world.Id}");

    /// <summary>A link to a world's section.</summary>
    public static string Href(WorldRun world) => "#" + E($"run-{world.Id}");

    /// <summary>A verdict badge: symbol and word, coloured by class.</summary>
    public static string Badge(VerdictLook look) => $"<span class=\"badge {look.CssClass}\">{E(look.Label)}</span>";
}
