using System.Net;
using System.Net.NetworkInformation;
using System.Security.Cryptography.X509Certificates;

namespace Virtlab.Engine.Peers;

/// <summary>
/// This host's TLS identity towards other hosts: the CA every host of a cluster shares and this host's certificate
/// signed by it, used by the daemon's TCP API (Kestrel, mutual TLS), by <see cref="PeerClient"/> and by QEMU's
/// <c>tls-creds-x509</c> for the migration stream. <see cref="Directory"/> (<c>$VIRTLAB_HOME/tls</c>, 0700) holds them
/// in QEMU's layout: ca-cert.pem, server-cert.pem, server-key.pem, client-cert.pem, client-key.pem (keys 0600).
/// </summary>
public sealed class PeerCredentials : IDisposable
{
    public const string ServerCertFile = "server-cert.pem";
    public const string ServerKeyFile = "server-key.pem";
    public const string ClientCertFile = "client-cert.pem";
    public const string ClientKeyFile = "client-key.pem";

    private PeerCredentials(string directory, string caDirectory, X509Certificate2 ca, X509Certificate2 host, bool issued)
    {
        Directory = directory;
        CaDirectory = caDirectory;
        Ca = ca;
        Host = host;
        Issued = issued;
    }

    /// <summary>QEMU's <c>dir=</c>: the CA certificate and this host's certificates and keys.</summary>
    public string Directory { get; }

    /// <summary>Where the CA came from: <c>--tls-dir</c> / <c>VIRTLAB_TLS_DIR</c>, or <c>$VIRTLAB_HOME/ca</c>.</summary>
    public string CaDirectory { get; }

    public X509Certificate2 Ca { get; }

    /// <summary>This host's certificate, with its private key: TLS server and TLS client.</summary>
    public X509Certificate2 Host { get; }

    /// <summary>The host certificate was (re)issued by this call (false: the one on disk fitted, or it was given).</summary>
    public bool Issued { get; }

    /// <summary>
    /// Loads or makes this host's credentials. The CA is <paramref name="caDir"/>'s ca-cert.pem (a CA is created there,
    /// or in <c>$VIRTLAB_HOME/ca</c> without a dir, when there is none). With the CA's key (ca-key.pem) beside it, this
    /// host issues its own certificate, again whenever the one it has does not chain to that CA, expires within 7 days,
    /// or does not name every address in <paramref name="addresses"/> (the listen address, and loopback). Without the
    /// key, the dir must hold this host's certificate and key (server-cert.pem, server-key.pem; client-*.pem optional).
    /// </summary>
    public static PeerCredentials Prepare(string home, string? caDir, IReadOnlyCollection<IPAddress> addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        caDir = Path.GetFullPath(string.IsNullOrEmpty(caDir) ? Path.Combine(home, "ca") : caDir);
        var hostDir = Path.Combine(home, "tls");
        var caCertPath = Path.Combine(caDir, CertificateAuthority.CaCertFile);
        var caKeyPath = Path.Combine(caDir, CertificateAuthority.CaKeyFile);
        if (!File.Exists(caCertPath))
        {
            if (File.Exists(Path.Combine(caDir, ServerCertFile)))
            {
                throw Invalid($"{caDir} holds a host certificate but no {CertificateAuthority.CaCertFile}: put the CA's certificate beside it");
            }

            CertificateAuthority.CreateIn(caDir, $"Virtlab CA {Dns.GetHostName()} {Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4))}");
        }

        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(caCertPath));
        SecretFile.EnsureDirectory(hostDir);
        var required = RequiredAddresses(addresses);
        var issued = false;
        if (File.Exists(caKeyPath))
        {
            if (!HostCertificateFits(hostDir, ca, required))
            {
                using var signer = X509Certificate2.CreateFromPemFile(caCertPath, caKeyPath);
                var (cert, key) = CertificateAuthority.IssueHost(signer, Dns.GetHostName(), [Dns.GetHostName(), "localhost"], required);
                WriteHostFiles(hostDir, cert, key, cert, key);
                issued = true;
            }
        }
        else
        {
            CopyGivenHostFiles(caDir, hostDir);
        }

        SecretFile.WritePublic(Path.Combine(hostDir, CertificateAuthority.CaCertFile), File.ReadAllText(caCertPath));
        var host = X509Certificate2.CreateFromPemFile(Path.Combine(hostDir, ServerCertFile), Path.Combine(hostDir, ServerKeyFile));
        if (CertificateAuthority.ChainProblem(host, ca, serverPurpose: true) is { } problem)
        {
            throw Invalid($"this host's certificate in {hostDir} cannot be used: {problem}");
        }

        return new PeerCredentials(hostDir, caDir, ca, host, issued);
    }

    /// <summary>Why a peer daemon's server certificate is refused (null: it is not): not from our CA, or not for <paramref name="host"/>.</summary>
    public string? ServerProblem(X509Certificate2 certificate, string host)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (CertificateAuthority.ChainProblem(certificate, Ca, serverPurpose: true) is { } problem)
        {
            return problem;
        }

        return certificate.MatchesHostname(host) ? null : $"the certificate '{certificate.Subject}' does not name {host}";
    }

    /// <summary>Why a TLS client's certificate is refused (null: it is not): it must chain to our CA and allow clientAuth.</summary>
    public string? ClientProblem(X509Certificate2 certificate) =>
        CertificateAuthority.ChainProblem(certificate, Ca, serverPurpose: false);

    public void Dispose()
    {
        Ca.Dispose();
        Host.Dispose();
    }

    /// <summary>The addresses this host's certificate must name: those given (every local address for the any address), and loopback.</summary>
    private static List<IPAddress> RequiredAddresses(IReadOnlyCollection<IPAddress> addresses)
    {
        var list = new List<IPAddress> { IPAddress.Loopback, IPAddress.IPv6Loopback };
        foreach (var a in addresses)
        {
            if (a.Equals(IPAddress.Any) || a.Equals(IPAddress.IPv6Any))
            {
                list.AddRange(NetworkInterface.GetAllNetworkInterfaces().SelectMany(n => n.GetIPProperties().UnicastAddresses).Select(u => u.Address).Where(x => !x.IsIPv6LinkLocal));
            }
            else
            {
                list.Add(a);
            }
        }

        return list.Distinct().ToList();
    }

    private static bool HostCertificateFits(string hostDir, X509Certificate2 ca, List<IPAddress> required)
    {
        string[] files = [ServerCertFile, ServerKeyFile, ClientCertFile, ClientKeyFile];
        if (!files.All(f => File.Exists(Path.Combine(hostDir, f))))
        {
            return false;
        }

        try
        {
            using var cert = X509Certificate2.CreateFromPemFile(Path.Combine(hostDir, ServerCertFile), Path.Combine(hostDir, ServerKeyFile));
            var named = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateIPAddresses()).ToHashSet();
            return CertificateAuthority.ChainProblem(cert, ca, serverPurpose: true) is null &&
                cert.NotAfter.ToUniversalTime() > DateTime.UtcNow.AddDays(7) &&
                required.All(named.Contains);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }

    private static void CopyGivenHostFiles(string caDir, string hostDir)
    {
        var cert = Path.Combine(caDir, ServerCertFile);
        var key = Path.Combine(caDir, ServerKeyFile);
        if (!File.Exists(cert) || !File.Exists(key))
        {
            throw Invalid(
                $"{caDir} has {CertificateAuthority.CaCertFile} but neither the CA's key ({CertificateAuthority.CaKeyFile}, to issue this host's certificate) " +
                $"nor this host's own certificate ({ServerCertFile} and {ServerKeyFile}): give one of the two (docs/SECURITY.md)");
        }

        var clientCert = Path.Combine(caDir, ClientCertFile);
        var clientKey = Path.Combine(caDir, ClientKeyFile);
        var hasClient = File.Exists(clientCert) && File.Exists(clientKey);
        WriteHostFiles(hostDir, File.ReadAllText(cert), File.ReadAllText(key), File.ReadAllText(hasClient ? clientCert : cert), File.ReadAllText(hasClient ? clientKey : key));
    }

    private static void WriteHostFiles(string hostDir, string serverCert, string serverKey, string clientCert, string clientKey)
    {
        SecretFile.Write(Path.Combine(hostDir, ServerKeyFile), serverKey);
        SecretFile.Write(Path.Combine(hostDir, ClientKeyFile), clientKey);
        SecretFile.WritePublic(Path.Combine(hostDir, ServerCertFile), serverCert);
        SecretFile.WritePublic(Path.Combine(hostDir, ClientCertFile), clientCert);
    }

    private static VirtlabException Invalid(string message) => new(ErrorKind.InvalidInput, message);
}
