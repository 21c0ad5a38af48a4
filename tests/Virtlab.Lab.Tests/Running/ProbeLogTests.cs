using Virtlab.Lab.Running;

namespace Virtlab.Lab.Tests.Running;

/// <summary>Reading what virtlab-probe run and virtlab-probe sample wrote (the formats of docs/LAB.md).</summary>
public sealed class ProbeLogTests
{
    [Fact]
    public void Given_a_run_log_with_a_partial_last_line_then_the_complete_lines_parse_and_the_rest_is_left()
    {
        const string text = "S 1000.000 1733400000000.000 42\nO 1100.500 1733400000100.500 workers=2\nE 1200.000 1733400000200.000 oops: a b\nO 13";

        var lines = ProbeLog.ParseRun(text, out var consumed);

        Assert.Equal(['S', 'O', 'E'], lines.Select(l => l.Kind));
        Assert.Equal("workers=2", lines[1].Text);
        Assert.Equal("oops: a b", lines[2].Text);
        Assert.Equal(1100.5, lines[1].Mono);
        Assert.Equal("O 13", text[consumed..]);
    }

    [Theory]
    [InlineData("X 5000.000 1.000 exit 3", 3, null)]
    [InlineData("X 5000.000 1.000 signal 4", null, 4)]
    public void Given_an_exit_line_then_the_code_or_signal_and_time_are_read(string line, int? code, int? signal)
    {
        var x = ProbeLog.ParseRunLine(line);

        var exit = ProbeLog.Exit(x, t0Mono: 1000, timedOut: false);

        Assert.NotNull(exit);
        Assert.Equal(code, exit.Code);
        Assert.Equal(signal, exit.Signal);
        Assert.Equal(4.0, exit.AtSeconds, 3);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Z 1 2 x")]
    [InlineData("O notanumber 2 x")]
    [InlineData("O 1")]
    public void Given_a_line_that_is_not_the_probes_then_it_is_skipped(string line) => Assert.Null(ProbeLog.ParseRunLine(line));

    [Fact]
    public void Given_samples_across_a_pause_and_a_clock_step_then_gap_and_realtime_step_show_them()
    {
        const string text = """
            {"mono_ms":1000.000,"real_ms":5000.000,"nproc":2,"affinity":2,"online":"0-1","online_count":2,"memtotal_kib":241234,"memavailable_kib":190000,"clocksource":"tsc"}
            {"mono_ms":1250.000,"real_ms":5250.000,"nproc":3,"affinity":3,"online":"0-2","online_count":3,"memtotal_kib":241234,"memavailable_kib":189000,"clocksource":"tsc"}
            {"mono_ms":1500.000,"real_ms":3500.000,"nproc":3,"affinity":3,"online":"0-2","online_count":3,"memtotal_kib":241234,"memavailable_kib":189000,"clocksource":"tsc"}
            {"mono_ms":1750.0
            """;

        var samples = ProbeLog.ParseSamples(text, t0Mono: 1000);

        Assert.Equal(3, samples.Count);
        Assert.Equal([0, 0.25, 0.5], samples.Select(s => s.AtSeconds));
        Assert.Equal([2, 3, 3], samples.Select(s => s.Online));
        Assert.Equal("0-2", samples[1].OnlineList);
        Assert.Equal(250, samples[1].GapMs);
        Assert.Equal(0, samples[1].RealtimeStepMs);
        Assert.Equal(-2000, samples[2].RealtimeStepMs);
    }
}
