using System.Text;

namespace Virtlab.Lab.Scenarios;

/// <summary>
/// Splits a command line into an argv the way a POSIX shell would, without a shell: words are separated by blanks,
/// 'single quotes' keep everything literally, "double quotes" keep everything but a backslash before <c>\ " $ `</c>
/// or a newline, and an unquoted backslash keeps the next character. Nothing is expanded ($VAR, ~, globs stay as
/// written).
/// </summary>
public static class ArgvSplitter
{
    /// <summary>The words of <paramref name="commandLine"/>; throws <see cref="FormatException"/> on an unclosed quote or a trailing backslash.</summary>
    public static IReadOnlyList<string> Split(string commandLine)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < commandLine.Length; i++)
        {
            var c = commandLine[i];
            switch (c)
            {
                case ' ' or '\t' or '\n' or '\r':
                    if (inWord)
                    {
                        words.Add(word.ToString());
                        word.Clear();
                        inWord = false;
                    }

                    break;
                case '\'':
                    var close = commandLine.IndexOf('\'', i + 1);
                    if (close < 0)
                    {
                        throw new FormatException($"the single quote at character {i + 1} is not closed");
                    }

                    word.Append(commandLine, i + 1, close - i - 1);
                    i = close;
                    inWord = true;
                    break;
                case '"':
                    i = DoubleQuoted(commandLine, i, word);
                    inWord = true;
                    break;
                case '\\':
                    if (i + 1 >= commandLine.Length)
                    {
                        throw new FormatException("the command line ends in a backslash");
                    }

                    i++;
                    if (commandLine[i] != '\n')
                    {
                        word.Append(commandLine[i]);
                        inWord = true;
                    }

                    break;
                default:
                    word.Append(c);
                    inWord = true;
                    break;
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    /// <summary>Appends the double-quoted text that opens at <paramref name="open"/>; returns the index of its closing quote.</summary>
    private static int DoubleQuoted(string s, int open, StringBuilder word)
    {
        for (var i = open + 1; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '"')
            {
                return i;
            }

            if (c == '\\' && i + 1 < s.Length && s[i + 1] is '\\' or '"' or '$' or '`' or '\n')
            {
                i++;
                if (s[i] != '\n')
                {
                    word.Append(s[i]);
                }

                continue;
            }

            word.Append(c);
        }

        throw new FormatException($"the double quote at character {open + 1} is not closed");
    }
}
