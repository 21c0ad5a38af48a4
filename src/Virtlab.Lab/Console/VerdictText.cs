using Virtlab.Lab.Reports;
using Virtlab.Lab.Results;

namespace Virtlab.Lab.Console;

/// <summary>A verdict on the terminal: the report's symbol and word (<see cref="VerdictLook"/>), coloured.</summary>
internal static class VerdictText
{
    public static string Word(Verdict v) => VerdictLook.Of(v).Label;

    public static string Markup(Verdict v) => Markup(VerdictLook.Of(v));

    public static string Markup(VerdictLook look) => $"[{Colour(look)}]{Spectre.Console.Markup.Escape(look.Label)}[/]";

    private static string Colour(VerdictLook look) =>
        look == VerdictLook.Passed ? "green" : look == VerdictLook.Failed ? "red" : look == VerdictLook.Error ? "magenta" : "grey";
}
