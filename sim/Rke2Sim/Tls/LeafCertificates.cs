using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Rke2Sim.Hosting;

namespace Rke2Sim.Tls;

/// <summary>
/// A server's leaf certificates on disk under <c>server/tls/</c>, as k3s keeps them (pkg/daemons/control/deps
/// CreateRuntimeCertFiles: <c>tls/serving-kube-apiserver.crt</c> and <c>.key</c>). A start reuses the certificate
/// on disk; one that is missing, unreadable, lacks a name the server now serves (k3s deps: a changed SAN list
/// regenerates it), expired or within <see cref="RenewWithin"/> of its notAfter is issued anew (docs.rke2.io/security/certificates: "Any certificates that are expired or within 120 days of expiring are
/// automatically renewed every time RKE2 starts").
/// </summary>
public static class LeafCertificates
{
    /// <summary>k3s pkg/daemons/config CertificateRenewDays (120 as of the May 2025 releases).</summary>
    public static readonly TimeSpan RenewWithin = TimeSpan.FromDays(120);

    public const string ServingCert = SimPaths.TlsDir + "/serving-kube-apiserver.crt";

    public const string ServingKey = SimPaths.TlsDir + "/serving-kube-apiserver.key";

    /// <summary>Every leaf file <c>rke2 certificate rotate</c> removes (the CA files stay: they are rotated apart).</summary>
    public static readonly IReadOnlyList<string> RotatedFiles = [ServingCert, ServingKey];

    /// <summary>The serving certificate for this start: the one on disk while it has long enough to live, else a new one, written.</summary>
    public static X509Certificate2 Serving(ClusterCa ca, string commonName, IEnumerable<string> names, DateTimeOffset now)
    {
        var wanted = names.Distinct(StringComparer.Ordinal).ToList();
        if (Load(now, wanted) is { } kept) return kept;
        var issued = ca.IssueServing(commonName, wanted, now);
        SimPaths.WriteAtomically(ServingCert, issued.ExportCertificatePem() + "\n");
        using var key = issued.GetECDsaPrivateKey() ?? throw new InvalidOperationException("serving certificate without an ECDSA key");
        SimPaths.WriteAtomically(ServingKey, key.ExportPkcs8PrivateKeyPem() + "\n", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return issued;
    }

    private static X509Certificate2? Load(DateTimeOffset now, IReadOnlyList<string> names)
    {
        var certPem = SimPaths.ReadIfExists(ServingCert);
        var keyPem = SimPaths.ReadIfExists(ServingKey);
        if (certPem is null || keyPem is null) return null;
        try
        {
            using var cert = X509Certificate2.CreateFromPem(certPem, keyPem);
            if (cert.NotAfter.ToUniversalTime() - now.UtcDateTime < RenewWithin) return null;
            if (cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault() is not { } san) return null;
            var held = san.EnumerateDnsNames().Concat(san.EnumerateIPAddresses().Select(ip => ip.ToString())).ToHashSet(StringComparer.Ordinal);
            if (!names.All(held.Contains)) return null;
            return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
