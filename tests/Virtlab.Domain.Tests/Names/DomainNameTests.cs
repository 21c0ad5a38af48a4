using Virtlab.Domain.Names;

namespace Virtlab.Domain.Tests.Names;

public sealed class DomainNameTests
{
    [Theory]
    [InlineData("t1")]
    [InlineData("knoel1")]
    [InlineData("web-01.example_test")]
    [InlineData("_private")]
    [InlineData("0day")]
    [InlineData("a")]
    public void Letters_digits_dots_underscores_and_dashes_make_a_valid_name(string name)
    {
        Assert.Null(DomainName.Validate(name));
        Assert.True(DomainName.IsValid(name));
    }

    [Fact]
    public void A_name_of_64_characters_is_valid_and_one_of_65_is_not()
    {
        Assert.Null(DomainName.Validate(new string('a', 64)));

        var error = DomainName.Validate(new string('a', 65));

        Assert.NotNull(error);
        Assert.Equal("name", error.Path);
        Assert.EndsWith("is 65 characters long: use at most 64", error.Message);
    }

    [Fact]
    public void A_slash_is_rejected_because_it_would_break_file_paths()
    {
        var error = DomainName.Validate("a/b");

        Assert.Equal(
            "'a/b' has '/' at position 2: use only letters A-Z and a-z, digits, '.', '_' and '-' ('/' would break Virtlab's file paths)",
            error?.Message);
    }

    [Fact]
    public void A_comma_is_rejected_because_it_would_break_QEMU_option_syntax()
    {
        var error = DomainName.Validate("vm,1");

        Assert.Equal(
            "'vm,1' has ',' at position 3: use only letters A-Z and a-z, digits, '.', '_' and '-' (',' would break QEMU's option syntax)",
            error?.Message);
    }

    [Fact]
    public void A_space_is_named_as_a_space()
    {
        var error = DomainName.Validate("my vm");

        Assert.StartsWith("'my vm' has a space at position 3:", error?.Message);
    }

    [Theory]
    [InlineData("vm\t1", "U+0009")]
    [InlineData("vm\n", "U+000A")]
    [InlineData("\u0000", "U+0000")]
    [InlineData("vm\u007f", "U+007F")]
    public void A_control_character_is_rejected_and_not_echoed_raw(string name, string code)
    {
        var error = DomainName.Validate(name);

        Assert.NotNull(error);
        Assert.Contains($"the control character {code}", error.Message);
        Assert.DoesNotContain(error.Message, c => char.IsControl(c));
    }

    [Theory]
    [InlineData("caf\u00e9", "'\u00e9' (U+00E9)")]
    [InlineData("vm:1", "':'")]
    [InlineData("vm@host", "'@'")]
    [InlineData("vm*", "'*'")]
    public void Other_characters_are_named_in_the_message(string name, string shown)
    {
        Assert.Contains($"has {shown} at position", DomainName.Validate(name)?.Message);
    }

    [Theory]
    [InlineData(".hidden", '.')]
    [InlineData("-rf", '-')]
    public void A_name_may_not_start_with_a_dot_or_a_dash(string name, char first)
    {
        var error = DomainName.Validate(name);

        Assert.Equal($"'{name}' starts with '{first}': start with a letter, a digit or '_'", error?.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public void An_empty_name_is_rejected_with_the_rules(string? name)
    {
        var error = DomainName.Validate(name);

        Assert.NotNull(error);
        Assert.StartsWith("a domain needs a name: 1 to 64 characters", error.Message);
    }

    [Fact]
    public void A_very_long_bad_name_is_shortened_in_the_message()
    {
        var error = DomainName.Validate(new string('x', 500) + "/");

        Assert.NotNull(error);
        Assert.True(error.Message.Length < 300);
        Assert.Contains("at position 501", error.Message);
    }
}
