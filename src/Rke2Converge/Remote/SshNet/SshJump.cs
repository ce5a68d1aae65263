using System.Globalization;

namespace Rke2Converge.Remote.SshNet;

/// <summary>One ProxyJump hop, <c>[user@]host[:port]</c> or <c>ssh://[user@]host[:port]</c>.</summary>
internal sealed record SshJump(string? User, string Host, int? Port)
{
    /// <summary>Null for <c>none</c>; a list of hops is refused, as this transport jumps once only.</summary>
    public static SshJump? Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Equals("none", StringComparison.OrdinalIgnoreCase)) return null;
        if (value.Contains(',', StringComparison.Ordinal))
        {
            throw new FormatException($"ProxyJump {value}: the SSH.NET transport jumps through one host only");
        }
        var rest = value.StartsWith("ssh://", StringComparison.OrdinalIgnoreCase) ? value[6..].TrimEnd('/') : value;
        string? user = null;
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            user = rest[..at];
            rest = rest[(at + 1)..];
        }
        string host;
        string? port = null;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            if (close < 0) throw new FormatException($"ProxyJump {value}: unbalanced [");
            host = rest[1..close];
            if (rest.Length > close + 1)
            {
                if (rest[close + 1] != ':') throw new FormatException($"ProxyJump {value}: expected :port after ]");
                port = rest[(close + 2)..];
            }
        }
        else
        {
            var colon = rest.IndexOf(':', StringComparison.Ordinal);
            host = colon < 0 ? rest : rest[..colon];
            port = colon < 0 ? null : rest[(colon + 1)..];
        }
        if (host.Length == 0 || user is { Length: 0 }) throw new FormatException($"ProxyJump {value}: expected [user@]host[:port]");
        if (port is null) return new SshJump(user, host, null);
        return int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is > 0 and < 65536
            ? new SshJump(user, host, number)
            : throw new FormatException($"ProxyJump {value}: bad port '{port}'");
    }
}
