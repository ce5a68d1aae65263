namespace Rke2Converge.Model;

/// <summary>A node address as the host part of a URL: an IPv6 literal goes in brackets (RFC 3986), anything else as it is.</summary>
internal static class UrlHost
{
    public static string Of(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.Contains(':', StringComparison.Ordinal) && !address.StartsWith('[') ? $"[{address}]" : address;
    }
}
