using Virtlab.IntegrationTests.Infrastructure;

namespace Virtlab.IntegrationTests;

/// <summary>
/// Wrong input gets one clear line on stderr, a non-zero exit, nothing half-done, and a VM that
/// is already running is untouched by all of it.
/// </summary>
public sealed class BadInputTests(SurvivorFixture fixture) : IClassFixture<SurvivorFixture>
{
    private readonly VirtlabHost _host = fixture.Host;
    private readonly int _pid = fixture.Pid;

    [Theory]
    [InlineData("unknown CPU model", new[] { "--cpu", "Nehalemm" }, "unknown CPU model 'Nehalemm'")]
    [InlineData("bad size", new[] { "--memory", "12QB" }, "'12QB'")]
    [InlineData("vcpus above maxvcpus", new[] { "--vcpus", "4,maxvcpus=2" }, "more than the maximum of 2")]
    [InlineData("missing image", new[] { "--image", "/nonexistent/image" }, "does not exist")]
    public async Task Create_with_bad_options_fails_clearly_and_defines_nothing(string what, string[] options, string expected)
    {
        Requirements.QemuAndImage();

        var r = await _host.RunAsync(["create", "bad1", .. options]);

        Assert.True(r.ExitCode != 0, $"{what}: expected a failure, got {r}");
        Assert.Contains(expected, r.Stderr, StringComparison.Ordinal);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.DoesNotContain("bad1", await _host.OkAsync("list", "--all"));
        await AssertSurvivorUnharmed();
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a,b")]
    [InlineData("a b")]
    public async Task Create_with_a_name_that_would_break_paths_or_qemu_options_is_refused(string name)
    {
        Requirements.QemuAndImage();

        var r = await _host.RunAsync("create", name);

        Assert.True(r.ExitCode != 0, r.ToString());
        Assert.Contains("name", r.Stderr, StringComparison.OrdinalIgnoreCase);
        await AssertSurvivorUnharmed();
    }

    [Fact]
    public async Task Create_with_a_duplicate_name_is_refused_and_the_running_vm_is_unchanged()
    {
        Requirements.QemuAndImage();

        var r = await _host.RunAsync("create", "survivor");

        Assert.True(r.ExitCode != 0, r.ToString());
        Assert.Contains("already exists", r.Stderr, StringComparison.Ordinal);
        await AssertSurvivorUnharmed();
    }

    [Fact]
    public async Task Define_with_an_unknown_element_reports_its_path_and_defines_nothing()
    {
        Requirements.QemuAndImage();
        var xml = Path.Combine(_host.Home, "bad.xml");
        await File.WriteAllTextAsync(xml, """
            <domain type='qemu'>
              <name>badxml</name>
              <memory unit='MiB'>256</memory>
              <vcpu>1</vcpu>
              <devices>
                <disk type='file' device='disk'><source file='/tmp/x.qcow2'/></disk>
              </devices>
            </domain>
            """, TestContext.Current.CancellationToken);

        var r = await _host.RunAsync("define", xml);

        Assert.True(r.ExitCode != 0, r.ToString());
        Assert.Contains("/domain/devices/disk", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("badxml", await _host.OkAsync("list", "--all"));
        await AssertSurvivorUnharmed();
    }

    [Fact]
    public async Task Commands_on_an_unknown_domain_say_how_to_find_the_right_name()
    {
        Requirements.QemuAndImage();

        var r = await _host.RunAsync("dominfo", "nosuch");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("not found", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("list --all", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_guest_whose_agent_never_starts_gives_a_clear_agent_error_and_keeps_running()
    {
        Requirements.QemuAndImage();
        var xml = Path.Combine(_host.Home, "noagent.xml");
        await File.WriteAllTextAsync(xml, """
            <domain type='qemu'>
              <name>noagent</name>
              <memory unit='MiB'>256</memory>
              <vcpu>1</vcpu>
              <os><type arch='x86_64' machine='pc'>hvm</type><cmdline>virtlab.agent=off</cmdline></os>
              <devices>
                <channel type='unix'>
                  <source mode='bind'/>
                  <target type='virtio' name='org.qemu.guest_agent.0'/>
                </channel>
              </devices>
            </domain>
            """, TestContext.Current.CancellationToken);
        await _host.OkAsync("define", xml);

        var r = await _host.RunAsync("start", "noagent", "--wait-agent=8");

        Assert.True(r.ExitCode != 0, r.ToString());
        Assert.Contains("agent", r.Stderr, StringComparison.Ordinal);
        var pid = await _host.QemuPidAsync("noagent");
        Assert.True(VirtlabHost.ProcessAlive(pid), "the VM died because its agent did not answer");
        var cmd = await _host.RunAsync("qemu-agent-command", "noagent", """{"execute":"guest-ping"}""", "--timeout", "3");
        Assert.True(cmd.ExitCode != 0, cmd.ToString());
        Assert.Contains("unresponsive", cmd.Stderr, StringComparison.Ordinal);
        await _host.OkAsync("destroy", "noagent");
        await AssertSurvivorUnharmed();
    }

    [Fact]
    public async Task Malformed_agent_json_is_refused_before_it_reaches_the_guest()
    {
        Requirements.QemuAndImage();

        var r = await _host.RunAsync("qemu-agent-command", "survivor", "{not json");

        Assert.True(r.ExitCode != 0, r.ToString());
        Assert.Contains("not valid JSON", r.Stderr, StringComparison.Ordinal);
        await AssertSurvivorUnharmed();
    }

    private async Task AssertSurvivorUnharmed()
    {
        Assert.True(VirtlabHost.ProcessAlive(_pid), "the running VM died");
        var ping = await _host.AgentAsync("survivor", """{"execute":"guest-ping"}""");
        Assert.NotNull(ping["return"]);
    }
}
