using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Rke2Converge.Model.Validation;

/// <summary>
/// What names, keys, users and addresses may look like. Every pattern ends in <c>\z</c>: <c>$</c> would also match
/// before a final line break, and a line break is exactly what must never get through.
/// </summary>
internal static partial class Grammar
{
    // rke2 uses the node name for the Kubernetes node object and the etcd member.
    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc1123Label();

    // The cluster name appears in file headers, logs and plans: one word a file name could carry.
    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex ClusterNamePattern();

    // Top-level directory of /proc/sys (always lowercase), then at least one more component; interface names may
    // carry '-' and capitals. A leading '-' (a sysctl option) or '=' (the key/value separator) cannot appear.
    [GeneratedRegex(@"^[a-z][a-z0-9_]*(\.[A-Za-z0-9_][A-Za-z0-9_-]*)+\z", RegexOptions.CultureInvariant)]
    private static partial Regex SysctlKeyPattern();

    // RKE2's flags are lowercase words joined by '-'; '+' appends (tls-san+). Looser than that (capitals, '_', '.')
    // is only a warning, but nothing that could end or start a YAML key gets through.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]*\+?\z", RegexOptions.CultureInvariant)]
    private static partial Regex ConfigKeyPattern();

    // POSIX user names, plus '.' and '@' for directory users; never a leading '-', which ssh would take as an option.
    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9._@-]{0,254}\$?\z", RegexOptions.CultureInvariant)]
    private static partial Regex SshUserPattern();

    // A DNS name or IPv4 address (labels of letters, digits, '-', and '_' as ssh_config aliases allow), never starting with '-'.
    [GeneratedRegex(@"^(?=.{1,253}\.?\z)[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?\z", RegexOptions.CultureInvariant)]
    private static partial Regex HostNamePattern();

    public static bool IsNodeName(string name) => Rfc1123Label().IsMatch(name);

    public static bool IsClusterName(string name) => ClusterNamePattern().IsMatch(name);

    public static bool IsSysctlKey(string key) => SysctlKeyPattern().IsMatch(key);

    public static bool IsConfigKey(string key) => ConfigKeyPattern().IsMatch(key);

    public static bool IsSshUser(string user) => SshUserPattern().IsMatch(user);

    public static bool IsAddress(string address) =>
        HostNamePattern().IsMatch(address)
        || (address.Contains(':', StringComparison.Ordinal)
            && IPAddress.TryParse(address, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6);
}
