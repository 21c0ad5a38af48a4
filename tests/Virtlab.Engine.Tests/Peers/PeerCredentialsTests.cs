using System.Net;
using System.Security.Cryptography.X509Certificates;
using Virtlab.Engine.Peers;

namespace Virtlab.Engine.Tests.Peers;

/// <summary>The hosts' PKI: a CA made or shared, a host certificate issued by it in QEMU's layout, and the checks of a peer.</summary>
public sealed class PeerCredentialsTests : IDisposable
{
    private static readonly string[] QemuFiles = ["ca-cert.pem", "server-cert.pem", "server-key.pem", "client-cert.pem", "client-key.pem"];
    private readonly string _root = Directory.CreateTempSubdirectory("vl-pki-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Home(string name) => Directory.CreateDirectory(Path.Combine(_root, name)).FullName;

    [Fact]
    public void Without_a_CA_dir_a_CA_is_made_under_the_home_and_the_host_certificate_in_QEMUs_layout()
    {
        var home = Home("h1");

        using var tls = PeerCredentials.Prepare(home, null, [IPAddress.Parse("127.0.0.2")]);

        Assert.Equal(Path.Combine(home, "tls"), tls.Directory);
        Assert.Equal(Path.Combine(home, "ca"), tls.CaDirectory);
        Assert.True(tls.Issued);
        Assert.All(QemuFiles, f => Assert.True(File.Exists(Path.Combine(tls.Directory, f)), f));
        Assert.True(tls.Host.HasPrivateKey);
        Assert.Null(tls.ServerProblem(tls.Host, "127.0.0.2"));
        Assert.Null(tls.ServerProblem(tls.Host, "127.0.0.1"));
        Assert.Null(tls.ClientProblem(tls.Host));
    }

    [Fact]
    public void Every_key_is_0600_and_the_directories_0700()
    {
        var home = Home("h1");

        using var tls = PeerCredentials.Prepare(home, null, []);

        const UnixFileMode secret = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        const UnixFileMode dir = secret | UnixFileMode.UserExecute;
        Assert.Equal(secret, File.GetUnixFileMode(Path.Combine(home, "ca", "ca-key.pem")));
        Assert.Equal(secret, File.GetUnixFileMode(Path.Combine(tls.Directory, "server-key.pem")));
        Assert.Equal(secret, File.GetUnixFileMode(Path.Combine(tls.Directory, "client-key.pem")));
        Assert.Equal(dir, File.GetUnixFileMode(tls.Directory));
        Assert.Equal(dir, File.GetUnixFileMode(tls.CaDirectory));
    }

    [Fact]
    public void Two_hosts_on_one_shared_CA_accept_each_other_and_a_host_of_another_CA_is_refused_both_ways()
    {
        var shared = Path.Combine(_root, "ca");
        CertificateAuthority.CreateIn(shared, "test CA");
        using var a = PeerCredentials.Prepare(Home("a"), shared, [IPAddress.Loopback]);
        using var b = PeerCredentials.Prepare(Home("b"), shared, [IPAddress.Loopback]);
        using var stranger = PeerCredentials.Prepare(Home("c"), null, [IPAddress.Loopback]);

        Assert.NotEqual(a.Host.Thumbprint, b.Host.Thumbprint);
        Assert.Null(a.ServerProblem(b.Host, "127.0.0.1"));
        Assert.Null(b.ClientProblem(a.Host));
        Assert.Contains("is not valid under this host's CA", a.ServerProblem(stranger.Host, "127.0.0.1"), StringComparison.Ordinal);
        Assert.NotNull(a.ClientProblem(stranger.Host));
        Assert.NotNull(stranger.ClientProblem(a.Host));
    }

    [Fact]
    public void A_certificate_that_does_not_name_the_address_dialled_is_refused()
    {
        using var tls = PeerCredentials.Prepare(Home("h1"), null, [IPAddress.Parse("10.77.0.11")]);

        Assert.Null(tls.ServerProblem(tls.Host, "10.77.0.11"));
        Assert.Contains("does not name 10.77.0.12", tls.ServerProblem(tls.Host, "10.77.0.12"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_host_certificate_is_kept_while_it_fits_and_issued_again_for_a_new_listen_address()
    {
        var home = Home("h1");
        string first;
        using (var tls = PeerCredentials.Prepare(home, null, [IPAddress.Parse("127.0.0.3")]))
        {
            first = tls.Host.Thumbprint;
        }

        using (var same = PeerCredentials.Prepare(home, null, [IPAddress.Parse("127.0.0.3")]))
        {
            Assert.False(same.Issued);
            Assert.Equal(first, same.Host.Thumbprint);
        }

        using var moved = PeerCredentials.Prepare(home, null, [IPAddress.Parse("127.0.0.4")]);
        Assert.True(moved.Issued);
        Assert.Null(moved.ServerProblem(moved.Host, "127.0.0.4"));
    }

    [Fact]
    public void The_host_certificate_is_issued_again_when_the_shared_CA_changes()
    {
        var shared = Path.Combine(_root, "ca");
        var home = Home("h1");
        CertificateAuthority.CreateIn(shared, "first CA");
        using (PeerCredentials.Prepare(home, shared, []))
        {
        }

        CertificateAuthority.CreateIn(shared, "second CA");
        using var again = PeerCredentials.Prepare(home, shared, []);

        Assert.True(again.Issued);
        Assert.Contains("second CA", again.Host.Issuer, StringComparison.Ordinal);
    }

    [Fact]
    public void A_CA_dir_without_its_key_must_hold_the_hosts_own_certificate()
    {
        var issuerDir = Path.Combine(_root, "issuer");
        CertificateAuthority.CreateIn(issuerDir, "given CA");
        var given = Directory.CreateDirectory(Path.Combine(_root, "given")).FullName;
        File.Copy(Path.Combine(issuerDir, "ca-cert.pem"), Path.Combine(given, "ca-cert.pem"));

        var e = Assert.Throws<VirtlabException>(() => PeerCredentials.Prepare(Home("h1"), given, []));
        Assert.Equal(ErrorKind.InvalidInput, e.Kind);
        Assert.Contains("neither the CA's key", e.Message, StringComparison.Ordinal);

        using var signer = X509Certificate2.CreateFromPemFile(Path.Combine(issuerDir, "ca-cert.pem"), Path.Combine(issuerDir, "ca-key.pem"));
        var (cert, key) = CertificateAuthority.IssueHost(signer, "given-host", ["given-host"], [IPAddress.Loopback]);
        File.WriteAllText(Path.Combine(given, "server-cert.pem"), cert);
        File.WriteAllText(Path.Combine(given, "server-key.pem"), key);
        using var tls = PeerCredentials.Prepare(Home("h2"), given, []);

        Assert.Equal("CN=given-host, O=Virtlab", tls.Host.Subject);
        Assert.False(tls.Issued);
        Assert.All(QemuFiles, f => Assert.True(File.Exists(Path.Combine(tls.Directory, f)), f));
    }
}
