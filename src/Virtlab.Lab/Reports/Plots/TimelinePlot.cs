namespace Virtlab.Lab.Reports.Plots;

/// <summary>One rendered timeline plot: what it shows, a caption for the reader, and the inline SVG.</summary>
/// <param name="Kind">cpus, memory, metrics, gaps, latency, migration-ram, migration-dirty: the figure's data-plot attribute.</param>
internal sealed record TimelinePlot(string Kind, string Title, string Caption, string Svg);
