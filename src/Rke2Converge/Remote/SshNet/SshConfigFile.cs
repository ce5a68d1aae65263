using System.Globalization;
using System.Text;

namespace Rke2Converge.Remote.SshNet;

/// <summary>What ssh_config says of one host, before the playbook's own settings are laid over it.</summary>
internal sealed record SshHostConfig(string? HostName, string? User, int? Port, IReadOnlyList<string> IdentityFiles, string? ProxyJump)
{
    /// <summary>The KexAlgorithms list as written (see <see cref="SshAlgorithmList"/>); null to offer SSH.NET's defaults.</summary>
    public string? KexAlgorithms { get; init; }

    public static SshHostConfig Empty { get; } = new(null, null, null, [], null);
}

/// <summary>
/// The part of an OpenSSH client configuration (ssh_config(5)) the SSH.NET transport uses: <c>Host</c> sections
/// (several patterns, <c>*</c>, <c>?</c>, <c>!negation</c>) and the keys HostName, User, Port, IdentityFile,
/// ProxyJump and KexAlgorithms. As in ssh, the first value found for a key wins, except IdentityFile, whose values add up.
/// <c>Match</c> sections are skipped whole; <c>Include</c> and all other keys are ignored.
/// </summary>
internal sealed class SshConfigFile
{
    private readonly IReadOnlyList<Section> _sections;

    private SshConfigFile(IReadOnlyList<Section> sections) => _sections = sections;

    public static SshConfigFile Empty { get; } = new([]);

    /// <summary>Reads <paramref name="path"/>; a file that does not exist is an empty configuration.</summary>
    public static SshConfigFile Load(string path) =>
        File.Exists(path) ? Parse(File.ReadAllText(path), path) : Empty;

    /// <summary>Throws <see cref="FormatException"/> naming <paramref name="source"/>:line for a value ssh would refuse.</summary>
    public static SshConfigFile Parse(string text, string source = "ssh_config")
    {
        ArgumentNullException.ThrowIfNull(text);
        // Lines before the first Host or Match apply to every host.
        var sections = new List<Section> { new(["*"]) };
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var (keyword, arguments) = SplitLine(line, $"{source}:{number}");
            switch (keyword)
            {
                case "host":
                    if (arguments.Count == 0) throw new FormatException($"{source}:{number}: Host needs at least one pattern");
                    sections.Add(new Section(arguments));
                    continue;
                case "match":
                    sections.Add(new Section(null));
                    continue;
            }
            if (arguments.Count == 0) throw new FormatException($"{source}:{number}: {keyword} needs a value");
            var value = arguments[0];
            if (keyword == "port" && !IsPort(value)) throw new FormatException($"{source}:{number}: bad Port '{value}'");
            if (keyword == "kexalgorithms" && !SshAlgorithmList.IsWellFormed(value))
            {
                throw new FormatException($"{source}:{number}: bad KexAlgorithms '{value}': a comma-separated list of algorithm names is expected");
            }
            if (keyword is "hostname" or "user" or "port" or "identityfile" or "proxyjump" or "kexalgorithms") sections[^1].Settings.Add((keyword, value));
        }
        return new SshConfigFile(sections);
    }

    /// <summary>The settings that apply to <paramref name="host"/> (the name as the playbook gives it).</summary>
    public SshHostConfig For(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        string? hostName = null, user = null, proxyJump = null, kexAlgorithms = null;
        int? port = null;
        var identities = new List<string>();
        foreach (var section in _sections.Where(s => s.Patterns is { } patterns && HostMatches(patterns, host)))
        {
            foreach (var (key, value) in section.Settings)
            {
                switch (key)
                {
                    case "hostname": hostName ??= value; break;
                    case "user": user ??= value; break;
                    case "port": port ??= int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "proxyjump": proxyJump ??= value; break;
                    case "kexalgorithms": kexAlgorithms ??= value; break;
                    default: identities.Add(value); break;
                }
            }
        }
        return new SshHostConfig(hostName, user, port, identities, proxyJump) { KexAlgorithms = kexAlgorithms };
    }

    /// <summary>ssh's rule for a <c>Host</c> line: some pattern matches and no negated one does.</summary>
    public static bool HostMatches(IEnumerable<string> patterns, string host)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        var matched = false;
        foreach (var pattern in patterns)
        {
            var negated = pattern.StartsWith('!');
            if (!Wildcard.Matches(negated ? pattern[1..] : pattern, host)) continue;
            if (negated) return false;
            matched = true;
        }
        return matched;
    }

    /// <summary>
    /// Expands a leading <c>~</c> and the tokens ssh expands in IdentityFile that make sense here: <c>%%</c>,
    /// <c>%d</c> (local home), <c>%h</c> (remote host name), <c>%n</c> (name as given), <c>%p</c>, <c>%r</c>
    /// (remote user), <c>%u</c> (local user), <c>%l</c> (local host name). Any other token is an error.
    /// </summary>
    public static string Expand(string value, string home, IReadOnlyDictionary<char, string> tokens)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(tokens);
        if (value == "~") value = home;
        else if (value.StartsWith("~/", StringComparison.Ordinal)) value = Path.Combine(home, value[2..]);
        else if (value.StartsWith('~')) throw new FormatException($"'{value}': only ~ and ~/ are expanded, not ~user");
        var expanded = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '%')
            {
                expanded.Append(value[i]);
                continue;
            }
            if (++i == value.Length) throw new FormatException($"'{value}': lone % at the end");
            var token = value[i];
            if (token == '%') expanded.Append('%');
            else if (token == 'd') expanded.Append(home);
            else if (tokens.TryGetValue(token, out var replacement)) expanded.Append(replacement);
            else throw new FormatException($"'{value}': token %{token} is not supported");
        }
        return expanded.ToString();
    }

    private static bool IsPort(string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536;

    // "Keyword value", "Keyword=value" or "Keyword = value"; arguments may be double-quoted.
    private static (string Keyword, List<string> Arguments) SplitLine(string line, string where)
    {
        var end = line.IndexOfAny([' ', '\t', '=']);
        var keyword = (end < 0 ? line : line[..end]).ToLowerInvariant();
        var rest = end < 0 ? "" : line[end..].TrimStart(' ', '\t');
        if (rest.StartsWith('=')) rest = rest[1..];
        var arguments = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        var inWord = false;
        foreach (var c in rest)
        {
            if (c == '"')
            {
                quoted = !quoted;
                inWord = true;
            }
            else if (!quoted && c is ' ' or '\t')
            {
                if (inWord) arguments.Add(current.ToString());
                current.Clear();
                inWord = false;
            }
            else if (!quoted && c == '#' && !inWord)
            {
                break;
            }
            else
            {
                current.Append(c);
                inWord = true;
            }
        }
        if (quoted) throw new FormatException($"{where}: unbalanced quotes");
        if (inWord) arguments.Add(current.ToString());
        return (keyword, arguments);
    }

    // Patterns null: a Match section, whose criteria are not evaluated, so it never applies.
    private sealed record Section(IReadOnlyList<string>? Patterns)
    {
        public List<(string Key, string Value)> Settings { get; } = [];
    }
}

internal static class Wildcard
{
    /// <summary>ssh's match_pattern: <c>*</c> any run, <c>?</c> one character, case-insensitive.</summary>
    public static bool Matches(string pattern, string text)
    {
        int p = 0, t = 0, star = -1, resume = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || char.ToLowerInvariant(pattern[p]) == char.ToLowerInvariant(text[t])))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++resume;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}
