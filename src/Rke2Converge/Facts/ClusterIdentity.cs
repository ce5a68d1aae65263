namespace Rke2Converge.Facts;

/// <summary>
/// What <see cref="Model.Rke2Paths.IdentityFile"/> says: the cluster rke2c converged this host for, and the SHA-256 of
/// that cluster's CA as the host held it then (null when it held none).
/// </summary>
internal sealed record ClusterIdentity(string Cluster, string? CaSha256)
{
    /// <summary>The file's text: <c>cluster NAME</c> and <c>ca-sha256 HEX</c> lines (cluster names are one word).</summary>
    public static ClusterIdentity? Parse(string text)
    {
        string? cluster = null, ca = null;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (key, value) = line.IndexOf(' ', StringComparison.Ordinal) is var space and > 0 ? (line[..space], line[(space + 1)..].Trim()) : (line, "");
            if (key == "cluster") cluster = value;
            else if (key == "ca-sha256") ca = value.Length == 0 ? null : value.ToLowerInvariant();
        }
        return string.IsNullOrEmpty(cluster) ? null : new ClusterIdentity(cluster, ca);
    }
}
