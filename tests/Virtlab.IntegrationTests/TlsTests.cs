using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Virtlab.IntegrationTests.Infrastructure;

namespace Virtlab.IntegrationTests;

/// <summary>
/// Security between hosts (docs/SECURITY.md), with real daemons and real QEMU: the TCP API takes only clients with a
/// certificate from the hosts' CA, then only with the token; secrets in $VIRTLAB_HOME are 0600 and the daemon's; the
/// migration stream runs over QEMU's TLS; a host of another CA can neither call nor migrate to them.
/// </summary>
public sealed class TlsTests
{
    [Fact]
    public async Task The_tcp_api_takes_only_clients_with_a_certificate_from_its_CA_and_then_only_with_the_token()
    {
        Requirements.QemuAndImage();
        await using var host = new VirtlabHost();
        await host.ListenAsync();
        var ct = TestContext.Current.CancellationToken;
        var token = (await File.ReadAllTextAsync(host.TokenFile, ct)).Trim();
        using var ours = TestPki.ClientCertificate(host.CaDir);
        var otherCa = Directory.CreateTempSubdirectory("vl-otherca-").FullName;
        Virtlab.Engine.Peers.CertificateAuthority.CreateIn(otherCa, "another CA");
        using var theirs = TestPki.ClientCertificate(otherCa);

        // At the TLS layer: no certificate, or one of another CA, gets no HTTP answer at all (the token would not help).
        using (var none = TestPki.Client(host.Uri!, null))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => GetAsync(none, token, ct));
        }

        using (var stranger = TestPki.Client(host.Uri!, theirs))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => GetAsync(stranger, token, ct));
        }

        using (var plain = new HttpClient { BaseAddress = new Uri(host.Uri!.Replace("virtlab+tcp://", "http://", StringComparison.Ordinal) + "/") })
        {
            await Assert.ThrowsAnyAsync<Exception>(async () => (await plain.GetAsync("v1/domains", ct)).EnsureSuccessStatusCode());
        }

        // With the CA's certificate: the token is the second factor.
        using var client = TestPki.Client(host.Uri!, ours);
        using var noToken = await GetAsync(client, null, ct);
        using var wrongToken = await GetAsync(client, new string('0', 64), ct);
        using var right = await GetAsync(client, token, ct);

        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongToken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Directory.Delete(otherCa, recursive: true);
    }

    [Fact]
    public async Task The_socket_and_every_secret_in_the_home_are_0600_and_owned_by_the_daemons_user()
    {
        Requirements.QemuAndImage();
        await using var host = new VirtlabHost(ownCa: true);
        await host.ListenAsync();
        var ct = TestContext.Current.CancellationToken;
        var daemonPid = int.Parse((await File.ReadAllTextAsync(Path.Combine(host.Home, "virtlabd.pid"), ct)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var daemonUid = (await File.ReadAllLinesAsync($"/proc/{daemonPid}/status", ct)).Single(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];
        var token = (await File.ReadAllTextAsync(host.TokenFile, ct)).Trim();

        var secrets = Directory.EnumerateFiles(host.Home, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".sock", StringComparison.Ordinal) && !f.Contains("state.db", StringComparison.Ordinal) && new FileInfo(f).Length < 1 << 20)
            .Where(f => File.ReadAllText(f) is var text && (text.Contains("PRIVATE KEY", StringComparison.Ordinal) || text.Contains(token, StringComparison.Ordinal)))
            .Append(Path.Combine(host.Home, "virtlabd.sock"))
            .ToList();

        string[] expected = ["token", "virtlabd.sock", "ca/ca-key.pem", "tls/server-key.pem", "tls/client-key.pem"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), secrets.Select(f => Path.GetRelativePath(host.Home, f)).Order(StringComparer.Ordinal));
        foreach (var f in secrets)
        {
            Assert.True(File.GetUnixFileMode(f) == (UnixFileMode.UserRead | UnixFileMode.UserWrite), $"{f} is {File.GetUnixFileMode(f)}");
            Assert.True(await OwnerAsync(f) == daemonUid, $"{f} is not owned by uid {daemonUid}");
        }

        foreach (var dir in new[] { host.Home, Path.Combine(host.Home, "ca"), Path.Combine(host.Home, "tls") })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir));
        }
    }

    [Fact]
    public async Task A_migration_runs_over_TLS_by_default_and_over_plain_TCP_only_when_asked()
    {
        Requirements.QemuAndImage();
        await using var src = new VirtlabHost();
        await using var dst = new VirtlabHost();
        await src.ListenAsync();
        await dst.ListenAsync();
        await src.CreateAsync("tl1");

        var there = JsonNode.Parse(await src.OkAsync("migrate", "tl1", dst.Uri!, "--live", "--token-file", dst.TokenFile, "--json"))!;
        var dstParams = JsonNode.Parse(await dst.OkAsync("qemu-monitor-command", "tl1", """{"execute":"query-migrate-parameters"}"""))!["return"]!;

        Assert.StartsWith("TLS (mutual, x509)", there["transport"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("vl-tls-in", dstParams["tls-creds"]!.GetValue<string>());
        Assert.True(there["agentAnswered"]!.GetValue<bool>());
        Assert.NotNull((await dst.AgentAsync("tl1", """{"execute":"guest-ping"}"""))["return"]);

        var back = JsonNode.Parse(await dst.OkAsync("migrate", "tl1", src.Uri!, "--live", "--no-tls", "--token-file", src.TokenFile, "--json"))!;
        var srcParams = JsonNode.Parse(await src.OkAsync("qemu-monitor-command", "tl1", """{"execute":"query-migrate-parameters"}"""))!["return"]!;

        Assert.StartsWith("plain TCP", back["transport"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(string.Empty, srcParams["tls-creds"]?.GetValue<string>() ?? string.Empty);
        Assert.True(back["agentAnswered"]!.GetValue<bool>());
        await src.QemuPidAsync("tl1");
    }

    [Fact]
    public async Task A_host_of_another_CA_cannot_migrate_to_the_hosts_of_this_one_and_its_guest_stays()
    {
        Requirements.QemuAndImage();
        await using var stranger = new VirtlabHost(ownCa: true);
        await using var dst = new VirtlabHost();
        await stranger.ListenAsync();
        await dst.ListenAsync();
        await stranger.CreateAsync("tl2");

        var r = await stranger.RunAsync("migrate", "tl2", dst.Uri!, "--live", "--token-file", dst.TokenFile);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("at the TLS handshake", r.Stderr, StringComparison.Ordinal);
        Assert.Equal("running", JsonNode.Parse(await stranger.OkAsync("dominfo", "tl2", "--json"))!["state"]!.GetValue<string>());
        Assert.DoesNotContain("tl2", await dst.OkAsync("list", "--all"), StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient http, string? token, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/domains");
        if (token is not null)
        {
            request.Headers.Add("Authorization", "Bearer " + token);
        }

        return await http.SendAsync(request, ct);
    }

    private static async Task<string> OwnerAsync(string path)
    {
        var psi = new ProcessStartInfo("stat", ["-c", "%u", path]) { RedirectStandardOutput = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        var uid = (await p.StandardOutput.ReadToEndAsync()).Trim();
        await p.WaitForExitAsync();
        return uid;
    }
}
