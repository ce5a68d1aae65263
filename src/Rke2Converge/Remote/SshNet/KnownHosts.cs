using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Rke2Converge.Remote.SshNet;

/// <summary>What known_hosts says of the key a host presented, as OpenSSH's <c>StrictHostKeyChecking=yes</c> reads it.</summary>
internal enum HostKeyVerdict
{
    Trusted,
    Unknown,
    Changed,
    Revoked,
}

/// <summary>
/// known_hosts entries (plain, comma-separated, wildcard, negated and hashed host patterns; <c>@revoked</c> lines),
/// for the in-process transport, which has no OpenSSH client to ask. <c>@cert-authority</c> lines are not supported
/// and never trust a key.
/// </summary>
internal sealed class KnownHosts
{
    private readonly IReadOnlyList<Entry> _entries;

    private KnownHosts(IReadOnlyList<Entry> entries) => _entries = entries;

    /// <summary>Reads the files that exist; a line that does not parse is skipped, as ssh skips it.</summary>
    public static KnownHosts Load(IEnumerable<string> files)
    {
        var entries = new List<Entry>();
        foreach (var file in files.Where(File.Exists))
        {
            foreach (var line in File.ReadLines(file))
            {
                if (Entry.TryParse(line) is { } entry) entries.Add(entry);
            }
        }
        return new KnownHosts(entries);
    }

    /// <summary>How ssh names a host in known_hosts: the bare address on port 22, <c>[address]:port</c> otherwise.</summary>
    public static string HostName(string address, int port) => port == 22 ? address : $"[{address}]:{port}";

    public HostKeyVerdict Check(string address, int port, byte[] presentedKey)
    {
        var host = HostName(address, port);
        if (_entries.Any(e => e.Marker == "@revoked" && e.Key.AsSpan().SequenceEqual(presentedKey))) return HostKeyVerdict.Revoked;
        var forHost = _entries.Where(e => e.Marker is null && e.Matches(host)).ToList();
        if (forHost.Any(e => e.Key.AsSpan().SequenceEqual(presentedKey))) return HostKeyVerdict.Trusted;
        var type = KeyType(presentedKey);
        return forHost.Any(e => e.KeyType == type) ? HostKeyVerdict.Changed : HostKeyVerdict.Unknown;
    }

    /// <summary>Key types known for the host, so the client can ask for those first, as ssh does.</summary>
    public IReadOnlySet<string> KeyTypesFor(string address, int port)
    {
        var host = HostName(address, port);
        return _entries.Where(e => e.Marker is null && e.Matches(host)).Select(e => e.KeyType).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The algorithm name at the start of an SSH public key blob (<c>ssh-ed25519</c>, <c>ssh-rsa</c>...).</summary>
    public static string KeyType(byte[] blob)
    {
        if (blob.Length < 4) return "";
        var length = BinaryPrimitives.ReadUInt32BigEndian(blob);
        return length <= (uint)(blob.Length - 4) ? Encoding.ASCII.GetString(blob, 4, (int)length) : "";
    }

    private sealed record Entry(string? Marker, string Hosts, string KeyType, byte[] Key)
    {
        public static Entry? TryParse(string line)
        {
            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0 || fields[0].StartsWith('#')) return null;
            string? marker = null;
            if (fields[0].StartsWith('@'))
            {
                marker = fields[0];
                fields = fields[1..];
            }
            if (fields.Length < 3) return null;
            try
            {
                var key = Convert.FromBase64String(fields[2]);
                return KnownHosts.KeyType(key) == fields[1] ? new Entry(marker, fields[0], fields[1], key) : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }

        public bool Matches(string host)
        {
            if (Hosts.StartsWith("|1|", StringComparison.Ordinal)) return MatchesHashed(host);
            var matched = false;
            foreach (var pattern in Hosts.Split(','))
            {
                var negated = pattern.StartsWith('!');
                if (!Glob(negated ? pattern[1..] : pattern, host)) continue;
                if (negated) return false;
                matched = true;
            }
            return matched;
        }

        private bool MatchesHashed(string host)
        {
            var parts = Hosts.Split('|');
            if (parts.Length != 4) return false;
            try
            {
                var hash = HMACSHA1.HashData(Convert.FromBase64String(parts[2]), Encoding.UTF8.GetBytes(host));
                return CryptographicOperations.FixedTimeEquals(hash, Convert.FromBase64String(parts[3]));
            }
            catch (FormatException)
            {
                return false;
            }
        }

        private static bool Glob(string pattern, string host) =>
            Regex.IsMatch(host, "^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$",
                RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }
}
