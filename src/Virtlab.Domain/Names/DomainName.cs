using System.Globalization;
using System.Text;
using Virtlab.Domain.Validation;

namespace Virtlab.Domain.Names;

/// <summary>
/// The rules for a domain's name: 1 to 64 characters of <c>A-Z a-z 0-9 . _ -</c>, not starting
/// with '.' or '-'. The name becomes part of file paths (so no '/'), of QEMU options (so no ','),
/// and of command lines (so no spaces or control characters).
/// </summary>
public static class DomainName
{
    public const int MaxLength = 64;

    private const string Allowed = "use only letters A-Z and a-z, digits, '.', '_' and '-'";

    /// <summary>Null when <paramref name="name"/> is a valid name; else what is wrong with it (path <c>name</c>).</summary>
    public static ValidationError? Validate(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return Error($"a domain needs a name: 1 to {MaxLength} characters; {Allowed}");
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (!IsAllowed(c))
            {
                return Error($"'{Show(name)}' has {Describe(c)} at position {i + 1}: {Allowed}{Why(c)}");
            }
        }

        if (name[0] is '.' or '-')
        {
            return Error($"'{Show(name)}' starts with '{name[0]}': start with a letter, a digit or '_'");
        }

        if (name.Length > MaxLength)
        {
            return Error($"'{Show(name)}' is {name.Length} characters long: use at most {MaxLength}");
        }

        return null;
    }

    public static bool IsValid(string? name) => Validate(name) is null;

    private static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';

    private static ValidationError Error(string message) => new(DomainPaths.Name, message);

    private static string Describe(char c) => c switch
    {
        ' ' => "a space",
        _ when char.IsControl(c) => $"the control character U+{(int)c:X4}",
        _ when c > '\u007e' => $"'{c}' (U+{(int)c:X4})",
        _ => $"'{c}'",
    };

    private static string Why(char c) => c switch
    {
        '/' => " ('/' would break Virtlab's file paths)",
        ',' => " (',' would break QEMU's option syntax)",
        _ => "",
    };

    /// <summary>The name as it can be shown: control characters escaped, long names cut.</summary>
    private static string Show(string name)
    {
        var shown = new StringBuilder();
        foreach (var c in name.Length > 80 ? name[..77] : name)
        {
            shown.Append(char.IsControl(c) ? string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}") : c);
        }

        return name.Length > 80 ? shown.Append("...").ToString() : shown.ToString();
    }
}
