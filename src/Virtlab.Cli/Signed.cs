using System.Globalization;

namespace Virtlab.Cli;

/// <summary>
/// Signed figures such as clock offsets: always with a sign, and a value that rounds to zero is
/// "+0.000", never "-+0.000" (what .NET prints for a tiny negative with a two-section format).
/// </summary>
internal static class Signed
{
    public static string Seconds(double s) => s.ToString("+0.000;-0.000;+0.000", CultureInfo.InvariantCulture) + " s";

    public static string Millis(double ms) => ms.ToString("+0.0;-0.0;+0.0", CultureInfo.InvariantCulture) + " ms";
}
