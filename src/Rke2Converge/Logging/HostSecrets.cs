using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Rke2Converge.Logging;

/// <summary>
/// Finds the secret values in a file read from a host, so they can be masked before anything prints them: values of
/// credential keys in YAML (registries.yaml <c>username</c>/<c>password</c>/<c>auth</c>/<c>identity_token</c>,
/// config.yaml <c>token</c>/<c>agent-token</c> and the other sensitive keys, any key naming a password, secret or token),
/// each as decoded and exactly as written in the file; <c>NAME=value</c> assignments of such names (env files,
/// <c>Environment=</c> in unit files); <c>--token X</c> / <c>--token=X</c> style flags (a unit's ExecStart); the
/// password in a URL's user info; every line of a PEM private key; and the decoding of a registries <c>auth</c>
/// (base64 of <c>user:password</c>). The rules run on every file whatever its path, so a token in an unexpected
/// place is still found.
/// </summary>
internal static partial class HostSecrets
{
    /// <summary>Key names (YAML keys, env names, flag names) whose value is secret whatever it is.</summary>
    public static bool IsSensitiveName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var key = name.TrimEnd('+').Trim().ToLowerInvariant().Replace('_', '-');
        return key is "auth" or "identity-token" or "username" or "etcd-s3-access-key" or "private-key" or "api-key" or "access-key" or "credentials"
            || key.Contains("password", StringComparison.Ordinal) || key.Contains("passwd", StringComparison.Ordinal)
            || key.Contains("secret", StringComparison.Ordinal) || key.EndsWith("token", StringComparison.Ordinal);
    }

    /// <summary>Every secret value in <paramref name="content"/>, as decoded and as written (each one non-empty).</summary>
    public static IReadOnlyCollection<string> Find(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var found = new HashSet<string>(StringComparer.Ordinal);
        FromYaml(content, found);
        FromLines(content, found);
        FromPem(content, found);
        foreach (var value in found.ToList()) AddDecodedAuth(value, found);
        found.RemoveWhere(value => value.Trim().Length == 0);
        return found;
    }

    /// <summary>An open YAML collection: whether everything in it is secret, and for a mapping the key being read.</summary>
    private sealed class Frame(bool isMapping, bool sensitive)
    {
        public bool IsMapping { get; } = isMapping;

        public bool Sensitive { get; } = sensitive;

        public bool ExpectKey { get; set; } = true;

        public string Key { get; set; } = "";

        public bool AtKey => IsMapping && ExpectKey;

        public bool ValueSensitive => Sensitive || IsMapping && !ExpectKey && IsSensitiveName(Key);

        public void ValueDone()
        {
            if (IsMapping) ExpectKey = true;
        }
    }

    private static void FromYaml(string content, HashSet<string> found)
    {
        try
        {
            var parser = new Parser(new StringReader(content));
            var open = new Stack<Frame>();
            while (parser.MoveNext())
            {
                var top = open.Count > 0 ? open.Peek() : null;
                var sensitive = top is { AtKey: false, ValueSensitive: true };
                switch (parser.Current)
                {
                    case MappingStart:
                        open.Push(new Frame(isMapping: true, sensitive));
                        break;
                    case SequenceStart:
                        open.Push(new Frame(isMapping: false, sensitive));
                        break;
                    case MappingEnd or SequenceEnd:
                        open.Pop();
                        if (open.Count > 0) open.Peek().ValueDone();
                        break;
                    case Scalar scalar when top is { AtKey: true }:
                        top.Key = scalar.Value;
                        top.ExpectKey = false;
                        break;
                    case Scalar scalar:
                        if (sensitive)
                        {
                            found.Add(scalar.Value);
                            var start = (int)scalar.Start.Index;
                            var end = (int)scalar.End.Index;
                            if (start >= 0 && end <= content.Length && end > start) found.Add(content[start..end]);
                        }
                        top?.ValueDone();
                        break;
                    case AnchorAlias:
                        top?.ValueDone();
                        break;
                }
            }
        }
        catch (YamlException)
        {
            // Not YAML (an env file, a unit): the line rules still apply.
        }
    }

    private static void FromLines(string content, HashSet<string> found)
    {
        foreach (var raw in content.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            Assignments(line, found);
            foreach (Match flag in Flag().Matches(line))
            {
                if (IsSensitiveName(flag.Groups["name"].Value)) AddValue(flag.Groups["value"].Value, found);
            }
            foreach (Match url in UrlUserInfo().Matches(line))
            {
                found.Add(url.Groups["password"].Value);
                found.Add(url.Groups["user"].Value + ":" + url.Groups["password"].Value);
            }
        }
    }

    /// <summary><c>NAME=value</c> pairs, also inside a quoted value (<c>Environment="RKE2_TOKEN=x"</c>).</summary>
    private static void Assignments(string text, HashSet<string> found)
    {
        foreach (Match assignment in Assignment().Matches(text))
        {
            var value = assignment.Groups["value"].Value;
            if (IsSensitiveName(assignment.Groups["name"].Value)) AddValue(value, found);
            else if (value.Length >= 2 && value[0] is '"' or '\'') Assignments(value[1..^1], found);
        }
    }

    private static void AddValue(string written, HashSet<string> found)
    {
        var value = written.Trim();
        if (value.Length == 0) return;
        found.Add(value);
        if (value.Length >= 2 && (value[0] == '"' && value[^1] == '"' || value[0] == '\'' && value[^1] == '\''))
        {
            var inner = value[1..^1];
            found.Add(inner);
            if (value[0] == '"') found.Add(Regex.Replace(inner, @"\\(.)", "$1", RegexOptions.None, TimeSpan.FromSeconds(1)));
            else found.Add(inner.Replace("''", "'", StringComparison.Ordinal));
        }
    }

    private static void FromPem(string content, HashSet<string> found)
    {
        foreach (Match block in PemPrivateKey().Matches(content))
        {
            foreach (var line in block.Groups["body"].Value.Split('\n'))
            {
                if (line.Trim().Length > 0) found.Add(line.Trim());
            }
        }
    }

    /// <summary>A registries.yaml <c>auth</c> is base64 of <c>user:password</c>: its decoding and both halves are secret too.</summary>
    private static void AddDecodedAuth(string value, HashSet<string> found)
    {
        if (value.Length < 8 || value.Length % 4 != 0 || !Base64().IsMatch(value)) return;
        string decoded;
        try
        {
            decoded = new UTF8Encoding(false, true).GetString(Convert.FromBase64String(value));
        }
        catch (FormatException)
        {
            return;
        }
        catch (DecoderFallbackException)
        {
            return;
        }
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || decoded.Any(char.IsControl)) return;
        found.Add(decoded);
        found.Add(decoded[..colon]);
        found.Add(decoded[(colon + 1)..]);
    }

    [GeneratedRegex("""(?:^|[\s"'])(?:export\s+)?(?<name>[A-Za-z_][A-Za-z0-9_.-]*)=(?<value>"(?:[^"\\]|\\.)*"|'[^']*'|[^\s"']+)""", RegexOptions.CultureInvariant)]
    private static partial Regex Assignment();

    [GeneratedRegex("""(?:^|\s)--?(?<name>[A-Za-z][A-Za-z0-9_-]*)(?:=|\s+)(?<value>"(?:[^"\\]|\\.)*"|'[^']*'|[^\s"'-][^\s"']*)""", RegexOptions.CultureInvariant)]
    private static partial Regex Flag();

    [GeneratedRegex(@"[A-Za-z][A-Za-z0-9+.-]*://(?<user>[^\s:/@]+):(?<password>[^\s/@]+)@", RegexOptions.CultureInvariant)]
    private static partial Regex UrlUserInfo();

    [GeneratedRegex(@"-----BEGIN [A-Z ]*PRIVATE KEY-----(?<body>[\s\S]*?)-----END [A-Z ]*PRIVATE KEY-----", RegexOptions.CultureInvariant)]
    private static partial Regex PemPrivateKey();

    [GeneratedRegex("^[A-Za-z0-9+/]+={0,2}$", RegexOptions.CultureInvariant)]
    private static partial Regex Base64();
}
