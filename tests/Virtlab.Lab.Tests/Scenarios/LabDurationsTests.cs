using Virtlab.Lab.Scenarios;

namespace Virtlab.Lab.Tests.Scenarios;

/// <summary>Durations (250ms, 3s, 1.5s, 2m; signed only for steps) and sizes (as virtlab create) of a scenario.</summary>
public sealed class LabDurationsTests
{
    [Theory]
    [InlineData("250ms", false, 250)]
    [InlineData("3s", false, 3000)]
    [InlineData("1.5s", false, 1500)]
    [InlineData("2m", false, 120_000)]
    [InlineData("0s", false, 0)]
    [InlineData(" 20ms ", false, 20)]
    [InlineData("0.25ms", false, 0.25)]
    [InlineData("-2s", true, -2000)]
    [InlineData("+500ms", true, 500)]
    [InlineData("2s", true, 2000)]
    public void Given_a_duration_then_it_parses_exactly(string text, bool signed, double ms)
    {
        Assert.True(LabDurations.TryParse(text, signed, out var d));
        Assert.Equal(TimeSpan.FromMilliseconds(ms), d);
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("3", false)]
    [InlineData("3 s", false)]
    [InlineData("3S", false)]
    [InlineData("1h", false)]
    [InlineData(".5s", false)]
    [InlineData("5.s", false)]
    [InlineData("1.2.3s", false)]
    [InlineData("s", false)]
    [InlineData("-2s", false)]
    [InlineData("+2s", false)]
    [InlineData("--2s", true)]
    [InlineData("2000m", false)]
    public void Given_something_else_then_it_is_not_a_duration(string text, bool signed)
    {
        Assert.False(LabDurations.TryParse(text, signed, out _));
    }

    [Fact]
    public void Given_a_signed_duration_where_none_is_allowed_then_the_reason_names_clock_step()
    {
        Assert.False(LabDurations.TryParse("-2s", false, out _, out var error));
        Assert.Contains("only clock_step takes one", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(250, "250 ms")]
    [InlineData(3000, "3 s")]
    [InlineData(1500, "1.5 s")]
    [InlineData(120_000, "2 min")]
    [InlineData(90_000, "90 s")]
    [InlineData(0, "0 ms")]
    [InlineData(-2000, "-2 s")]
    public void Given_a_duration_then_it_is_formatted_for_people(double ms, string text)
    {
        Assert.Equal(text, LabDurations.Format(TimeSpan.FromMilliseconds(ms)));
    }

    [Theory]
    [InlineData("256M", 256 * 1024)]
    [InlineData("1G", 1024 * 1024)]
    [InlineData("512MiB", 512 * 1024)]
    [InlineData("2GiB", 2 * 1024 * 1024)]
    [InlineData("1024K", 1024)]
    [InlineData("384", 384 * 1024)]
    public void Given_a_size_as_virtlab_create_takes_it_then_it_is_valid(string text, long kib)
    {
        Assert.True(LabSizes.TryParse(text, out var k, out _));
        Assert.Equal(kib, k);
    }

    [Theory]
    [InlineData("")]
    [InlineData("lots")]
    [InlineData("-1G")]
    [InlineData("0")]
    [InlineData("12Q")]
    public void Given_something_else_then_it_is_not_a_size(string text)
    {
        Assert.False(LabSizes.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Given_a_size_in_a_scenario_then_it_is_kept_as_written()
    {
        var s = ScenarioReader.Parse(ScenarioTexts.Minimal + "\nevents:\n  - {at: 1s, setmem: 512MiB}\nworlds:\n  vm: {memory: ['1024K,maxmemory=2GiB']}\n", "/lab/s.yaml");

        Assert.Equal(new SetMemAction("512MiB"), s.Events[0].Action);
        Assert.Equal(["1024K,maxmemory=2GiB"], s.Worlds.Memory);
    }
}
