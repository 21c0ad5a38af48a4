using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Virtlab.Engine.Peers;

namespace Virtlab.IntegrationTests.Infrastructure;

/// <summary>
/// The CA the hosts of a test run share (as the hosts of one cluster must): made once per run in a temp dir and given
/// to every <see cref="VirtlabHost"/> as VIRTLAB_TLS_DIR, so each daemon issues its own certificate from it.
/// </summary>
public static class TestPki
{
    private static readonly Lazy<string> Shared = new(() =>
    {
        var dir = Directory.CreateTempSubdirectory("vl-ca-").FullName;
        CertificateAuthority.CreateIn(dir, "Virtlab test CA");
        return dir;
    });

    public static string SharedCaDir => Shared.Value;

    /// <summary>A client certificate (with its key) issued by the CA in <paramref name="caDir"/>.</summary>
    public static X509Certificate2 ClientCertificate(string caDir)
    {
        using var ca = X509Certificate2.CreateFromPemFile(Path.Combine(caDir, "ca-cert.pem"), Path.Combine(caDir, "ca-key.pem"));
        var (cert, key) = CertificateAuthority.IssueHost(ca, "test-client", ["test-client"], [IPAddress.Loopback]);
        return X509Certificate2.CreateFromPem(cert, key);
    }

    /// <summary>
    /// An HTTPS client for a host's TCP API that presents <paramref name="certificate"/> (or none) and accepts any
    /// server certificate: what is under test is whether the daemon takes the client.
    /// </summary>
    public static HttpClient Client(string virtlabUri, X509Certificate2? certificate)
    {
        var ssl = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true };
        if (certificate is not null)
        {
            ssl.ClientCertificates = [certificate];
            ssl.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate;
        }

        var handler = new SocketsHttpHandler { SslOptions = ssl };
        return new HttpClient(handler)
        {
            BaseAddress = new Uri(virtlabUri.Replace("virtlab+tcp://", "https://", StringComparison.Ordinal) + "/"),
            Timeout = TimeSpan.FromSeconds(30),
        };
    }
}
