using System.Text.RegularExpressions;

namespace Rke2Converge.Model;

/// <summary>
/// RKE2 names a server's etcd member after its node plus a dash and eight hex digits (k3s pkg/etcd/etcd.go: the node
/// name and the first 8 characters of a UUID). A prefix match would also take node <c>s1-a</c>'s member for <c>s1</c>.
/// </summary>
internal static class EtcdMemberName
{
    private static readonly Regex Suffix = new("^-[0-9a-f]{8}$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    /// <summary>Whether <paramref name="member"/> is the etcd member of node <paramref name="node"/>.</summary>
    public static bool IsOf(string member, string node) =>
        member.Length == node.Length + 9 && member.StartsWith(node, StringComparison.Ordinal) && Suffix.IsMatch(member[node.Length..]);
}
