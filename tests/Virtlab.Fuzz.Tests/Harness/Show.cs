using System.Text;

namespace Virtlab.Fuzz.Tests.Harness;

/// <summary>Short printable forms of inputs for failure reports (C#-escaped, cut at 300 characters).</summary>
public static class Show
{
    public static string Bytes(byte[] input) => Text(Encoding.UTF8.GetString(input)) + $" ({input.Length} bytes)";

    public static string Text(string? input)
    {
        if (input is null)
        {
            return "null";
        }

        var shown = new StringBuilder("\"");
        foreach (var c in input.Length > 300 ? input[..300] : input)
        {
            shown.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                _ when char.IsControl(c) || char.IsSurrogate(c) => $"\\u{(int)c:X4}",
                _ => c.ToString(),
            });
        }

        return shown.Append(input.Length > 300 ? "\"…" : "\"").ToString();
    }
}
