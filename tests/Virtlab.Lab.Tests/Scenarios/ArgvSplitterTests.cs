using Virtlab.Lab.Scenarios;

namespace Virtlab.Lab.Tests.Scenarios;

/// <summary>app.run split like a shell would, without a shell: quotes and backslashes, nothing expanded.</summary>
public sealed class ArgvSplitterTests
{
    public static TheoryData<string, string[]> Lines => new()
    {
        { "./worker-pool 20", ["./worker-pool", "20"] },
        { "  a \t b\n c  ", ["a", "b", "c"] },
        { "", [] },
        { "   ", [] },
        { "echo 'a b' \"c d\"", ["echo", "a b", "c d"] },
        { "echo '' \"\"", ["echo", "", ""] },
        { "a'b'\"c\"d", ["abcd"] },
        { @"a\ b c\\d", ["a b", @"c\d"] },
        { @"'it''s' 'a\b'", ["its", @"a\b"] },
        { "\"a \\\"q\\\" \\$x \\n\"", ["a \"q\" $x \\n"] },
        { "$HOME ~ *.c `x`", ["$HOME", "~", "*.c", "`x`"] },
        { "sh -c 'echo $1; exit 3' x", ["sh", "-c", "echo $1; exit 3", "x"] },
        { "a\\\nb", ["ab"] },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void Given_a_command_line_then_it_splits_into_the_argv_a_shell_would_give(string line, string[] argv)
    {
        Assert.Equal(argv, ArgvSplitter.Split(line));
    }

    [Theory]
    [InlineData("echo 'a b", "the single quote at character 6 is not closed")]
    [InlineData("echo \"a b", "the double quote at character 6 is not closed")]
    [InlineData("echo \"a \\\"", "the double quote at character 6 is not closed")]
    [InlineData("echo a\\", "the command line ends in a backslash")]
    public void Given_an_unclosed_quote_or_a_trailing_backslash_then_it_is_a_format_exception(string line, string message)
    {
        Assert.Equal(message, Assert.Throws<FormatException>(() => ArgvSplitter.Split(line)).Message);
    }
}
