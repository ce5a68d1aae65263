using System.Security.Cryptography;
using System.Text;
using Rke2Converge.Plan.Diff;

namespace Rke2Converge.Restore;

/// <summary>
/// The etcd key RKE2 stores its bootstrap data under: <c>/bootstrap/</c> and the first 12 hex digits of the SHA-256 of
/// the token's passphrase (k3s pkg/cluster/storage.go storageKey, keyHash). The data is encrypted with the token, the key
/// is not, and an etcd snapshot holds its keys as they are: a snapshot whose only bootstrap key is another token's is
/// another cluster's (or from before a token rotation), and RKE2 refuses it, but only after every server is stopped.
/// Neither key nor token is ever shown: a short hash of a passphrase still helps guess a weak one.
/// </summary>
internal static class BootstrapKey
{
    public const string Prefix = "/bootstrap/";

    public const int HashLength = 12;

    /// <summary>The key for <paramref name="token"/> (full <c>K10…::server:</c> form or bare passphrase).</summary>
    public static string For(string token) =>
        Prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(TokenRotation.Passphrase(token))))[..HashLength];

    /// <summary>Why a snapshot holding <paramref name="found"/> cannot be restored with <paramref name="token"/>; null when it can or nothing was found (a compressed snapshot).</summary>
    public static string? Refusal(string snapshot, IReadOnlyCollection<string> found, string token) =>
        found.Count == 0 || found.Contains(For(token)) ? null : Refused(snapshot);

    public static string Refused(string snapshot) =>
        $"the snapshot {snapshot} holds RKE2's bootstrap data under another token's key (k3s pkg/cluster/storage.go): it is another "
        + "cluster's, or was taken before a token rotation. RKE2 would refuse it (\"bootstrap data already found and encrypted with different "
        + "token\") only after every server is stopped. Restore it with the token it was taken with, or pick a snapshot of this cluster";

    /// <summary>Every bootstrap key in a stream's chunk (ASCII <c>/bootstrap/</c> and 12 lower-case hex digits).</summary>
    public static void Collect(ReadOnlySpan<byte> data, ISet<string> found)
    {
        ReadOnlySpan<byte> prefix = "/bootstrap/"u8;
        for (var at = data.IndexOf(prefix); at >= 0 && found.Count < 16;)
        {
            var start = at + prefix.Length;
            if (start + HashLength <= data.Length && data.Slice(start, HashLength).IndexOfAnyExcept("0123456789abcdef"u8) < 0)
            {
                found.Add(Prefix + Encoding.ASCII.GetString(data.Slice(start, HashLength)));
            }
            var next = data[(at + 1)..].IndexOf(prefix);
            at = next < 0 ? -1 : at + 1 + next;
        }
    }
}
