using System.Net;

namespace Rke2Sim.Cluster;

/// <summary>
/// The proxy RKE2's Go HTTP clients use: <c>HTTPS_PROXY</c>/<c>HTTP_PROXY</c> and <c>NO_PROXY</c> (upper case first,
/// then lower) by Go's rules (golang.org/x/net/http/httpproxy/proxy.go, behind net/http's ProxyFromEnvironment):
/// localhost and loopback addresses never go through a proxy; a <c>NO_PROXY</c> entry is <c>*</c>, an IP (optionally
/// with a port), a CIDR, or a domain (<c>example.com</c> matches itself and its subdomains, <c>.example.com</c> and
/// <c>*.example.com</c> only the subdomains), optionally with a port. .NET's own environment proxy knows no CIDRs,
/// so the simulator decides as Go does.
/// </summary>
public sealed class GoProxy : IWebProxy
{
    private readonly Uri? _https;
    private readonly Uri? _http;
    private readonly bool _bypassAll;
    private readonly List<(IPAddress Address, string Port)> _addresses = [];
    private readonly List<(IPAddress Network, int PrefixLength)> _networks = [];
    private readonly List<(string Suffix, string Port, bool MatchHost)> _domains = [];

    public GoProxy(string? httpsProxy, string? httpProxy, string? noProxy)
    {
        _https = ParseProxy(httpsProxy);
        _http = ParseProxy(httpProxy);
        foreach (var raw in (noProxy ?? "").Split(','))
        {
            var entry = raw.Trim().ToLowerInvariant();
            if (entry.Length == 0) continue;
            if (entry == "*")
            {
                _bypassAll = true;
                continue;
            }
            if (IPNetwork.TryParse(entry, out var network) && entry.Contains('/', StringComparison.Ordinal))
            {
                _networks.Add((network.BaseAddress, network.PrefixLength));
                continue;
            }
            var (host, port) = SplitHostPort(entry);
            if (IPAddress.TryParse(host.Trim('[', ']'), out var address))
            {
                _addresses.Add((address, port));
                continue;
            }
            if (host.StartsWith("*.", StringComparison.Ordinal)) host = host[1..];
            _domains.Add(host.StartsWith('.') ? (host, port, false) : ("." + host, port, true));
        }
    }

    /// <summary>The proxy as RKE2's process would see it from its environment (/etc/default/rke2-* is loaded into it).</summary>
    public static GoProxy FromEnvironment() => new(Env("HTTPS_PROXY", "https_proxy"), Env("HTTP_PROXY", "http_proxy"), Env("NO_PROXY", "no_proxy"));

    public ICredentials? Credentials { get; set; }

    public Uri? GetProxy(Uri destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var proxy = destination.Scheme == Uri.UriSchemeHttps ? _https : _http;
        return proxy is not null && UsesProxy(destination) ? proxy : null;
    }

    public bool IsBypassed(Uri host) => GetProxy(host) is null;

    /// <summary>Go's useProxy: whether a request to <paramref name="destination"/> goes through the proxy.</summary>
    public bool UsesProxy(Uri destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var host = destination.IdnHost.Trim('[', ']').ToLowerInvariant();
        var port = destination.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (host == "localhost") return false;
        var ip = IPAddress.TryParse(host, out var parsed) ? parsed : null;
        if (ip is not null && IPAddress.IsLoopback(ip)) return false;
        if (_bypassAll) return false;
        if (ip is not null)
        {
            if (_networks.Any(n => InNetwork(ip, n.Network, n.PrefixLength))) return false;
            if (_addresses.Any(a => a.Address.Equals(ip) && (a.Port.Length == 0 || a.Port == port))) return false;
        }
        return !_domains.Any(d => (host.EndsWith(d.Suffix, StringComparison.Ordinal) || (d.MatchHost && host == d.Suffix[1..]))
            && (d.Port.Length == 0 || d.Port == port));
    }

    private static bool InNetwork(IPAddress ip, IPAddress network, int prefixLength) =>
        ip.AddressFamily == network.AddressFamily && new IPNetwork(network, prefixLength).Contains(ip);

    private static (string Host, string Port) SplitHostPort(string entry)
    {
        var colon = entry.LastIndexOf(':');
        // An IPv6 literal without brackets has colons but no port.
        if (colon < 0 || (entry.Count(c => c == ':') > 1 && !entry.StartsWith('['))) return (entry, "");
        return (entry[..colon], entry[(colon + 1)..]);
    }

    private static Uri? ParseProxy(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var text = value.Contains("://", StringComparison.Ordinal) ? value : "http://" + value;
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri : null;
    }

    private static string? Env(string upper, string lower) =>
        Environment.GetEnvironmentVariable(upper) is { Length: > 0 } value ? value : Environment.GetEnvironmentVariable(lower);
}
