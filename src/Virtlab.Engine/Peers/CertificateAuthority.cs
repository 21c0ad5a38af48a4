using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Virtlab.Engine.Peers;

/// <summary>
/// Virtlab's own small PKI, in the manner of libvirt's virt-pki: a CA (certificate and key) and, signed by it, one
/// certificate per host that serves as both its TLS server and TLS client certificate (for the daemons' API and for
/// QEMU's migration stream). RSA 2048 and SHA-256, with the extensions QEMU's tls-creds-x509 checks: basic
/// constraints, key usage (the CA: certificate signing; a host: digital signature and key encipherment) and the
/// extended key usages serverAuth and clientAuth.
/// </summary>
public static class CertificateAuthority
{
    public const string CaCertFile = "ca-cert.pem";
    public const string CaKeyFile = "ca-key.pem";

    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    /// <summary>Creates a CA in <paramref name="dir"/> (ca-cert.pem, ca-key.pem 0600), valid for 10 years.</summary>
    public static void CreateIn(string dir, string commonName)
    {
        SecretFile.EnsureDirectory(dir);
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={Escape(commonName)}, O=Virtlab"), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var ca = request.CreateSelfSigned(now.AddHours(-1), now.AddYears(10));

        // The key first: a reader that sees ca-cert.pem finds its key beside it.
        SecretFile.Write(Path.Combine(dir, CaKeyFile), key.ExportRSAPrivateKeyPem() + "\n");
        SecretFile.WritePublic(Path.Combine(dir, CaCertFile), ca.ExportCertificatePem() + "\n");
    }

    /// <summary>
    /// Issues a host certificate signed by <paramref name="ca"/> (which must carry its private key) for the given
    /// names and addresses (the subject alternative names a peer checks), valid for 2 years or until the CA expires.
    /// Returns the certificate and its private key as PEM.
    /// </summary>
    public static (string CertificatePem, string KeyPem) IssueHost(X509Certificate2 ca, string commonName, IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses)
    {
        ArgumentNullException.ThrowIfNull(ca);
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={Escape(commonName)}, O=Virtlab"), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuth, ClientAuth], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            san.AddDnsName(name);
        }

        foreach (var address in addresses.Distinct())
        {
            san.AddIpAddress(address);
        }

        request.CertificateExtensions.Add(san.Build());
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        var now = DateTimeOffset.UtcNow;
        var notAfter = now.AddYears(2) < ca.NotAfter ? now.AddYears(2) : new DateTimeOffset(ca.NotAfter.ToUniversalTime());
        using var cert = request.Create(ca, now.AddHours(-1), notAfter, serial);
        return (cert.ExportCertificatePem() + "\n", key.ExportRSAPrivateKeyPem() + "\n");
    }

    /// <summary>
    /// Whether <paramref name="cert"/> chains to <paramref name="ca"/> alone (no system roots), is in its validity
    /// period and allows <paramref name="purpose"/> (serverAuth or clientAuth); null when it does, else the reason.
    /// </summary>
    public static string? ChainProblem(X509Certificate2 cert, X509Certificate2 ca, bool serverPurpose)
    {
        ArgumentNullException.ThrowIfNull(cert);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(serverPurpose ? ServerAuth : ClientAuth);
        if (chain.Build(cert))
        {
            return null;
        }

        var status = string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());
        return $"the certificate '{cert.Subject}' (issued by '{cert.Issuer}') is not valid under this host's CA '{ca.Subject}' ({status})";
    }

    private static string Escape(string value) => value.Replace(",", "_", StringComparison.Ordinal).Replace("=", "_", StringComparison.Ordinal);
}
