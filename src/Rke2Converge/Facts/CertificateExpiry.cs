namespace Rke2Converge.Facts;

/// <summary>One certificate file on a server and the time left until its notAfter, as the host's clock measures it.</summary>
internal sealed record CertificateExpiry(string Path, TimeSpan Left);
