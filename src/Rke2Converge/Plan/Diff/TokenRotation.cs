namespace Rke2Converge.Plan.Diff;

/// <summary>
/// A bootstrapped RKE2 cluster keeps its bootstrap data encrypted with the token: a server started with another
/// token in config.yaml fails with "bootstrap data already found and encrypted with different token"
/// (rancher/rke2#6250). Changing it takes <c>rke2 token rotate</c> first: <c>rke2c token rotate</c>.
/// </summary>
internal static class TokenRotation
{
    private const string FullTokenPrefix = "K10";

    public const string Refusal =
        "token: the playbook's token differs from the one in config.yaml, and this node already runs RKE2. A bootstrapped " +
        "cluster cannot just be given a new token: servers restarted with it fail with 'bootstrap data already found and " +
        "encrypted with different token' (rancher/rke2#6250). To rotate the cluster to the playbook's token, run " +
        "`rke2c token rotate PLAYBOOK`: it runs `rke2 token rotate` on one server, then writes the new token into every " +
        "node's config.yaml, restarting the servers one at a time, then the agents, behind the gates (by hand: " +
        "`rke2 token rotate --token <current> --new-token <new>` on one server, then the same). If the playbook's token " +
        "is the wrong one, give it the cluster's current token.";

    public const string Rotating = "token: rotated to the playbook's token (rke2c token rotate); the restart puts the node on it";

    /// <summary>
    /// Whether <paramref name="desired"/> would replace the token a node runs with. A node with no token yet is
    /// getting its first one, which is not a change; the full form <c>K10&lt;ca-hash&gt;::server:&lt;passphrase&gt;</c>
    /// and the bare passphrase name the same token.
    /// </summary>
    public static bool WouldChange(string? current, string desired)
    {
        ArgumentNullException.ThrowIfNull(desired);
        return !string.IsNullOrEmpty(current) && Passphrase(current) != Passphrase(desired);
    }

    /// <summary>The passphrase a token carries: everything after <c>K10…::user:</c> in the full form, else the token itself.</summary>
    public static string Passphrase(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (!token.StartsWith(FullTokenPrefix, StringComparison.Ordinal)) return token;
        var credentials = token.IndexOf("::", StringComparison.Ordinal);
        if (credentials < 0) return token;
        var userAndPassword = token[(credentials + 2)..];
        var colon = userAndPassword.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? userAndPassword : userAndPassword[(colon + 1)..];
    }
}
