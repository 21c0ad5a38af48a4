using OxyPlot;

namespace Virtlab.Lab.Reports.Plots;

/// <summary>The Okabe-Ito colours: told apart with every common colour-vision deficiency (and in grey, by line style).</summary>
internal static class Palette
{
    public static readonly OxyColor Blue = OxyColor.FromRgb(0x00, 0x72, 0xB2);
    public static readonly OxyColor Orange = OxyColor.FromRgb(0xE6, 0x9F, 0x00);
    public static readonly OxyColor Green = OxyColor.FromRgb(0x00, 0x9E, 0x73);
    public static readonly OxyColor Vermillion = OxyColor.FromRgb(0xD5, 0x5E, 0x00);
    public static readonly OxyColor Sky = OxyColor.FromRgb(0x56, 0xB4, 0xE9);
    public static readonly OxyColor Purple = OxyColor.FromRgb(0xCC, 0x79, 0xA7);
    public static readonly OxyColor Ink = OxyColor.FromRgb(0x22, 0x27, 0x2e);
    public static readonly OxyColor Muted = OxyColor.FromRgb(0x6b, 0x72, 0x80);
    public static readonly OxyColor Grid = OxyColor.FromRgb(0xe5, 0xe7, 0xeb);

    /// <summary>Series colours in the order a plot takes them.</summary>
    public static readonly IReadOnlyList<OxyColor> Series = [Blue, Orange, Green, Purple, Sky, Vermillion];
}
