using Virtlab.Domain.Sizes;

namespace Virtlab.Domain.Tests.Sizes;

public sealed class ByteSizeTests
{
    [Theory]
    [InlineData("256M", 262144)]
    [InlineData("256MiB", 262144)]
    [InlineData("256mib", 262144)]
    [InlineData("256 MiB", 262144)]
    [InlineData("1G", 1048576)]
    [InlineData("1GiB", 1048576)]
    [InlineData("1g", 1048576)]
    [InlineData("512k", 512)]
    [InlineData("512K", 512)]
    [InlineData("512KiB", 512)]
    [InlineData("1.5G", 1572864)]
    [InlineData("0.5M", 512)]
    [InlineData("268435456B", 262144)]
    [InlineData("268435456bytes", 262144)]
    [InlineData("1T", 1073741824)]
    [InlineData("  2G  ", 2097152)]
    public void Sizes_with_binary_units_are_read_as_virsh_reads_them(string text, long expectedKiB)
    {
        Assert.True(ByteSize.TryParseKiB(text, SizeUnit.KiB, out var kib, out var error), error);
        Assert.Equal(expectedKiB, kib);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("1KB", 1)]
    [InlineData("1MB", 977)]
    [InlineData("1GB", 976563)]
    [InlineData("2048KB", 2000)]
    [InlineData("1gb", 976563)]
    public void Sizes_in_KB_MB_GB_are_powers_of_1000_rounded_up_to_whole_KiB(string text, long expectedKiB)
    {
        Assert.True(ByteSize.TryParseKiB(text, SizeUnit.KiB, out var kib, out var error), error);
        Assert.Equal(expectedKiB, kib);
    }

    [Theory]
    [InlineData(SizeUnit.KiB, 256)]
    [InlineData(SizeUnit.MiB, 262144)]
    [InlineData(SizeUnit.GiB, 268435456)]
    public void A_bare_number_is_in_the_default_unit_the_caller_gives(SizeUnit unit, long expectedKiB)
    {
        Assert.True(ByteSize.TryParseKiB("256", unit, out var kib, out _));
        Assert.Equal(expectedKiB, kib);
    }

    [Fact]
    public void A_byte_count_that_is_not_a_whole_KiB_is_rounded_up()
    {
        Assert.True(ByteSize.TryParseKiB("1025", SizeUnit.Bytes, out var kib, out _));
        Assert.Equal(2, kib);
    }

    [Theory]
    [InlineData("12QB")]
    [InlineData("12Q")]
    [InlineData("12 MiBs")]
    [InlineData("G")]
    [InlineData("1.2.3G")]
    [InlineData("1.G")]
    [InlineData(".5G")]
    [InlineData("1e9")]
    [InlineData("0x100M")]
    [InlineData("1,5G")]
    [InlineData("12Ki")]
    public void Text_that_is_not_a_size_is_rejected_with_an_example_of_one(string text)
    {
        Assert.False(ByteSize.TryParseKiB(text, SizeUnit.MiB, out _, out var error));
        Assert.StartsWith($"'{text.Trim()}' is not a size: use a number with a unit such as 512M, 2G or 1048576K", error);
    }

    [Fact]
    public void The_message_for_12QB_says_exactly_what_a_valid_size_looks_like()
    {
        ByteSize.TryParseKiB("12QB", SizeUnit.MiB, out _, out var error);
        Assert.Equal(
            "'12QB' is not a size: use a number with a unit such as 512M, 2G or 1048576K " +
            "(K, M, G, T are powers of 1024 (KiB, MiB, GiB, TiB); KB, MB, GB, TB are powers of 1000)",
            error);
    }

    [Theory]
    [InlineData("-1G")]
    [InlineData("-0")]
    [InlineData(" -256M")]
    public void A_negative_size_is_rejected(string text)
    {
        Assert.False(ByteSize.TryParseKiB(text, SizeUnit.MiB, out _, out var error));
        Assert.Contains("cannot be negative", error);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0M")]
    [InlineData("0.0G")]
    public void Zero_is_rejected_unless_the_caller_allows_it(string text)
    {
        Assert.False(ByteSize.TryParseKiB(text, SizeUnit.MiB, out _, out var error));
        Assert.Contains("must be larger than zero", error);

        Assert.True(ByteSize.TryParseKiB(text, SizeUnit.MiB, out var kib, out _, allowZero: true));
        Assert.Equal(0, kib);
    }

    [Theory]
    [InlineData("9E")]
    [InlineData("8EiB")]
    [InlineData("10000000P")]
    [InlineData("99999999999999999999999999999999999999G")]
    [InlineData("9223372036854775807K")]
    public void A_size_too_large_for_64_bits_of_bytes_is_rejected(string text)
    {
        Assert.False(ByteSize.TryParseKiB(text, SizeUnit.MiB, out _, out var error));
        Assert.Contains("is too large", error);
    }

    [Fact]
    public void The_largest_size_is_just_under_8_EiB()
    {
        Assert.True(ByteSize.TryParseKiB("7EiB", SizeUnit.KiB, out var kib, out _));
        Assert.Equal(7L << 50, kib);
        Assert.True(ByteSize.TryParseKiB(ByteSize.MaxKiB + "K", SizeUnit.KiB, out kib, out _));
        Assert.Equal(ByteSize.MaxKiB, kib);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void An_empty_value_is_rejected(string? text)
    {
        Assert.False(ByteSize.TryParseKiB(text, SizeUnit.MiB, out _, out var error));
        Assert.Equal("an empty value is not a size: use a number with a unit such as 512M, 2G or 1048576K", error);
    }

    [Fact]
    public void A_fraction_of_a_byte_is_rejected()
    {
        Assert.False(ByteSize.TryParseKiB("1.5B", SizeUnit.MiB, out _, out var error));
        Assert.Contains("whole number", error);
    }

    [Fact]
    public void ParseKiB_throws_a_FormatException_with_the_same_message()
    {
        var e = Assert.Throws<FormatException>(() => ByteSize.ParseKiB("12QB", SizeUnit.MiB));
        Assert.StartsWith("'12QB' is not a size", e.Message);
        Assert.Equal(262144, ByteSize.ParseKiB("256", SizeUnit.MiB));
    }

    [Theory]
    [InlineData("256", null, 256)]
    [InlineData("256", "KiB", 256)]
    [InlineData("256", "k", 256)]
    [InlineData("256", "MiB", 262144)]
    [InlineData("256", "M", 262144)]
    [InlineData("1", "GiB", 1048576)]
    [InlineData("1", "G", 1048576)]
    [InlineData("268435456", "bytes", 262144)]
    [InlineData("268435456", "b", 262144)]
    [InlineData("1000", "KB", 977)]
    [InlineData("1", "MB", 977)]
    [InlineData("1", "GB", 976563)]
    [InlineData(" 512 ", "MiB", 524288)]
    [InlineData("0", "KiB", 0)]
    public void Libvirt_XML_sizes_use_the_unit_attribute_and_default_to_KiB(string value, string? unit, long expectedKiB)
    {
        Assert.True(ByteSize.TryParseLibvirtKiB(value, unit, out var kib, out var error), error);
        Assert.Equal(expectedKiB, kib);
    }

    [Theory]
    [InlineData("1.5", "GiB", "write a whole number")]
    [InlineData("256M", null, "write a whole number")]
    [InlineData("-1", "KiB", "write a whole number")]
    [InlineData("", "KiB", "an empty value is not a size")]
    [InlineData("12", "QB", "'QB' is not a unit")]
    [InlineData("12", "", "'' is not a unit")]
    [InlineData("99999999999999999999", "EiB", "is too large")]
    [InlineData("99999999999999999999999999999999999", "KiB", "is too large")]
    public void Libvirt_XML_sizes_that_are_not_sizes_are_rejected(string value, string? unit, string expected)
    {
        Assert.False(ByteSize.TryParseLibvirtKiB(value, unit, out _, out var error));
        Assert.Contains(expected, error);
    }

    [Theory]
    [InlineData(0, "0 KiB")]
    [InlineData(512, "512 KiB")]
    [InlineData(1000, "1000 KiB")]
    [InlineData(1024, "1 MiB")]
    [InlineData(1536, "1.5 MiB")]
    [InlineData(262144, "256 MiB")]
    [InlineData(1048576, "1 GiB")]
    [InlineData(1572864, "1.5 GiB")]
    [InlineData(1310720, "1.25 GiB")]
    [InlineData(1048575, "1048575 KiB")]
    [InlineData(1073741824, "1 TiB")]
    public void Format_uses_the_largest_binary_unit_that_shows_the_size_exactly(long kib, string expected)
    {
        Assert.Equal(expected, ByteSize.Format(kib));
    }

    [Theory]
    [InlineData(512)]
    [InlineData(1536)]
    [InlineData(1310720)]
    [InlineData(1048575)]
    [InlineData(ByteSize.MaxKiB)]
    public void What_Format_writes_parses_back_to_the_same_size(long kib)
    {
        Assert.True(ByteSize.TryParseKiB(ByteSize.Format(kib), SizeUnit.KiB, out var back, out var error), error);
        Assert.Equal(kib, back);
    }

    [Fact]
    public void Format_refuses_a_negative_size()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ByteSize.Format(-1));
    }

    [Theory]
    [InlineData("K", SizeUnit.KiB)]
    [InlineData("kib", SizeUnit.KiB)]
    [InlineData("KB", SizeUnit.KB)]
    [InlineData("kB", SizeUnit.KB)]
    [InlineData("P", SizeUnit.PiB)]
    [InlineData("EB", SizeUnit.EB)]
    [InlineData("byte", SizeUnit.Bytes)]
    [InlineData("", SizeUnit.MiB)]
    public void TryParseUnit_follows_libvirts_suffix_rules(string suffix, SizeUnit expected)
    {
        Assert.True(ByteSize.TryParseUnit(suffix, SizeUnit.MiB, out var unit));
        Assert.Equal(expected, unit);
    }
}
