using System.Text.Json.Nodes;
using Virtlab.IntegrationTests.Infrastructure;

namespace Virtlab.IntegrationTests.CpuClock;

/// <summary>
/// What the guest really sees of its CPU, on one live Nehalem guest: its /proc/cpuinfo against the
/// host's, QEMU's models and what the accelerator cannot give, our compatibility check, and the PMU.
/// </summary>
public sealed class CpuModelTests(NehalemGuestFixture guest) : IClassFixture<NehalemGuestFixture>
{
    private const string Vm = "neh";
    private readonly VirtlabHost _host = guest.Host;
    private readonly int _pid = guest.Pid;

    [Fact]
    public async Task Guest_cpuinfo_diff_host_on_a_Nehalem_guest_shows_its_model_flags_and_Missing_and_Added_lists()
    {
        Requirements.QemuAndImage();

        var text = await _host.OkAsync("guest-cpuinfo", Vm, "--diff-host");

        Assert.Matches(@"model name:\s+.*Nehalem", text);
        Assert.Matches(@"flags \(\d+\):\s+.*\bhypervisor\b", text);
        Assert.Contains("Missing (", text, StringComparison.Ordinal);
        Assert.Contains("Added (", text, StringComparison.Ordinal);
        var json = JsonNode.Parse(await _host.OkAsync("guest-cpuinfo", Vm, "--json"))!;
        var guestFlags = json["flags"]!.AsArray().Select(f => f!.GetValue<string>()).ToList();
        var guestCpuinfo = await _host.GuestExecAsync(Vm, "/bin/cat", "/proc/cpuinfo");
        Assert.Contains("sse4_2", guestFlags);
        Assert.All(guestFlags, f => Assert.Contains(f, guestCpuinfo, StringComparison.Ordinal));
        var hostIsVm = File.ReadAllText("/proc/cpuinfo").Contains(" hypervisor", StringComparison.Ordinal);
        var added = json["added"]!.AsArray().Select(f => f!.GetValue<string>()).ToList();
        if (hostIsVm)
        {
            Assert.DoesNotContain("hypervisor", added);
            Assert.Contains("hypervisor is on both sides", text, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("hypervisor", added);
        }
    }

    [Fact]
    public async Task Cpu_compare_says_incompatible_and_lists_the_missing_features_for_a_model_that_needs_what_the_host_lacks()
    {
        Requirements.QemuAndImage();
        var hostFlags = HostFlags();

        var r = await _host.RunAsync("cpu-compare", "--model", "Skylake-Server", "--json");
        var verdict = JsonNode.Parse(r.Stdout)!;

        var missing = verdict["missing"]!.AsArray().Select(f => f!.GetValue<string>()).ToList();
        Assert.Equal("Incompatible", verdict["result"]!.GetValue<string>());
        Assert.NotEmpty(missing);
        Assert.All(missing, f => Assert.DoesNotContain(f, hostFlags));
        var text = await _host.RunAsync("cpu-compare", "--model", "Skylake-Server");
        Assert.Equal(1, text.ExitCode);
        Assert.Contains("incompatible", text.Stdout, StringComparison.Ordinal);
        Assert.Contains(missing[0], text.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cpu_models_lists_the_models_and_the_features_the_accelerator_cannot_give()
    {
        Requirements.QemuAndImage();

        var all = JsonNode.Parse(await _host.OkAsync("cpu-models", "--json"))!;
        var usable = JsonNode.Parse(await _host.OkAsync("cpu-models", "--usable", "--json"))!;

        var models = all["models"]!.AsArray();
        Assert.True(models.Count > 50, $"only {models.Count} models");
        Assert.Contains(usable["models"]!.AsArray(), m => m!["name"]!.GetValue<string>() == "Nehalem");
        Assert.All(usable["models"]!.AsArray(), m => Assert.True(m!["usable"]!.GetValue<bool>()));
        if (all["accel"]!.GetValue<string>() == "tcg")
        {
            var sandy = models.Single(m => m!["name"]!.GetValue<string>() == "SandyBridge")!;
            Assert.Contains("tsc-deadline", sandy["unavailableFeatures"]!.AsArray().Select(f => f!.GetValue<string>()));
        }

        var expand = await _host.OkAsync("cpu-model-expand", "Nehalem");
        Assert.Matches(@"Static:\s+base \+ \d+ features: .*sse4\.2", expand);
        Assert.Matches(@"Full:\s+\d+ features on, \d+ properties", expand);
    }

    [Fact]
    public async Task Requiring_a_feature_the_accelerator_cannot_give_fails_the_start_and_lists_it()
    {
        Requirements.QemuAndImage();
        Assert.SkipWhen(JsonNode.Parse(await _host.OkAsync("cpu-models", "--json"))!["accel"]!.GetValue<string>() != "tcg", "only TCG lacks avx512f");

        var r = await _host.RunAsync("create", "needs512", "--cpu", "Nehalem,+avx512f,+vmx", "--memory", "256M");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("tcg cannot give the required feature(s) avx512f, vmx", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("needs512", await _host.OkAsync("list", "--all"));
        await AssertNehalemUnharmed();
    }

    [Fact]
    public async Task A_misspelt_feature_is_refused_with_the_closest_name()
    {
        Requirements.QemuAndImage();

        var r = await _host.RunAsync("create", "typo", "--cpu", "Nehalem,+sse4.3,-x2apc", "--memory", "256M");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("unknown CPU feature 'sse4.3': did you mean 'sse4.", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("unknown CPU feature 'x2apc': did you mean 'x2apic'?", r.Stderr, StringComparison.Ordinal);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        await AssertNehalemUnharmed();
    }

    [Fact]
    public async Task Guest_pmu_runs_the_probe_in_the_guest_and_says_honestly_what_it_found()
    {
        Requirements.QemuAndImage();

        var text = await _host.OkAsync("guest-pmu", Vm);
        var r = JsonNode.Parse(await _host.OkAsync("guest-pmu", Vm, "--json"))!;

        var events = r["events"]!.AsArray();
        Assert.Equal("on", r["pmuSetting"]!.GetValue<string>());
        Assert.Contains("(pmu on)", text, StringComparison.Ordinal);
        Assert.Equal(8, events.Count(e => e!["kind"]!.GetValue<string>() == "architectural"));
        Assert.Contains("Verdict:", text, StringComparison.Ordinal);
        Assert.Contains(events, e => e!["kind"]!.GetValue<string>() == "software" && e["ok"]!.GetValue<bool>());
        if (r["accel"]!.GetValue<string>() == "tcg")
        {
            Assert.False(r["cpuPmu"]!.GetValue<bool>());
            Assert.All(events.Where(e => e!["kind"]!.GetValue<string>() == "architectural"), e => Assert.False(e!["ok"]!.GetValue<bool>()));
            Assert.Contains("no vPMU", text, StringComparison.Ordinal);
            Assert.Contains("software events only", r["driver"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.DoesNotContain("cpu", r["eventSources"]!.AsArray().Select(d => d!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task A_pmu_setting_other_than_on_or_off_is_refused()
    {
        Requirements.QemuAndImage();

        var r = await _host.RunAsync("create", "pmu", "--pmu", "maybe");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("'maybe' is not a PMU setting: use on or off", r.Stderr, StringComparison.Ordinal);
        await AssertNehalemUnharmed();
    }

    [Fact]
    public async Task Guest_clock_shows_the_clocksource_the_guest_kernel_uses_and_its_TSC_flags()
    {
        Requirements.QemuAndImage();

        var c = JsonNode.Parse(await _host.OkAsync("guest-clock", Vm, "--json"))!;

        var current = (await _host.GuestExecAsync(Vm, "/bin/cat", "/sys/devices/system/clocksource/clocksource0/current_clocksource")).Trim();
        Assert.Equal(current, c["clocksource"]!.GetValue<string>());
        Assert.True(c["constantTsc"]!.GetValue<bool>(), "Nehalem has constant_tsc");
        if (c["accel"]!.GetValue<string>() == "tcg")
        {
            Assert.False(c["kvmClock"]!.GetValue<bool>());
        }

        Assert.InRange(Math.Abs(c["offsetSeconds"]!.GetValue<double>()), 0, 600);
    }

    private static HashSet<string> HostFlags() =>
        File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("flags", StringComparison.Ordinal)).Split(':')[1]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);

    private async Task AssertNehalemUnharmed()
    {
        Assert.True(VirtlabHost.ProcessAlive(_pid), "the Nehalem guest died");
        Assert.NotNull((await _host.AgentAsync(Vm, """{"execute":"guest-ping"}"""))["return"]);
    }
}
