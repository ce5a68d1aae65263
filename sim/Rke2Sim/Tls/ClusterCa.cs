using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Rke2Sim.Tls;

/// <summary>The per-cluster server CA (created by the bootstrap server) and the serving certificates it signs.</summary>
public sealed class ClusterCa(string certPem, string? keyPem)
{
    public string CertPem { get; } = certPem;

    public string? KeyPem { get; } = keyPem;

    public static ClusterCa Create(DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=rke2-server-ca@{now.ToUnixTimeSeconds()}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        using var cert = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));
        return new ClusterCa(cert.ExportCertificatePem() + "\n", key.ExportPkcs8PrivateKeyPem() + "\n");
    }

    /// <summary>The <c>K10&lt;sha256 of the CA bundle&gt;</c> prefix of full tokens.</summary>
    public string TokenHash => "K10" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CertPem)));

    public string FullToken(string secret) => $"{TokenHash}::server:{secret}";

    /// <summary>A serving certificate for the given names and addresses, signed by this CA when its key is known.</summary>
    public X509Certificate2 IssueServing(string commonName, IEnumerable<string> names, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            if (IPAddress.TryParse(name, out var ip)) san.AddIpAddress(ip);
            else san.AddDnsName(name);
        }
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        X509Certificate2 issued;
        if (KeyPem is null)
        {
            issued = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));
        }
        else
        {
            using var caKey = ECDsa.Create();
            caKey.ImportFromPem(KeyPem);
            using var caCert = X509Certificate2.CreateFromPem(CertPem).CopyWithPrivateKey(caKey);
            var serial = RandomNumberGenerator.GetBytes(12);
            using var signed = request.Create(caCert, now.AddMinutes(-5), now.AddYears(1), serial);
            issued = signed.CopyWithPrivateKey(key);
        }
        // Round-trip through PKCS#12 so the private key is usable by the TLS stack on every platform.
        return X509CertificateLoader.LoadPkcs12(issued.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>A client certificate (for kubeconfigs), PEM cert and key.</summary>
    public (string CertPem, string KeyPem) IssueClient(string commonName, string organization, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}, O={organization}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        if (KeyPem is null)
        {
            using var self = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));
            return (self.ExportCertificatePem() + "\n", key.ExportPkcs8PrivateKeyPem() + "\n");
        }
        using var caKey = ECDsa.Create();
        caKey.ImportFromPem(KeyPem);
        using var caCert = X509Certificate2.CreateFromPem(CertPem).CopyWithPrivateKey(caKey);
        using var signed = request.Create(caCert, now.AddMinutes(-5), now.AddYears(1), RandomNumberGenerator.GetBytes(12));
        return (signed.ExportCertificatePem() + "\n", key.ExportPkcs8PrivateKeyPem() + "\n");
    }
}
