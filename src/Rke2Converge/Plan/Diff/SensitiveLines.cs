using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Rke2Converge.Model;

namespace Rke2Converge.Plan.Diff;

/// <summary>
/// Masks secrets in the text of a file rke2c writes, so a dry run can show the file: the values of sensitive
/// config.yaml keys and of credential keys (<see cref="Logging.HostSecrets.IsSensitiveName"/>: a registries.yaml
/// password, username, auth or identity_token), whatever the value, even one the playbook no longer knows (an old token
/// or password on the node), and every secret the redactor knows wherever it appears.
/// </summary>
internal static partial class SensitiveLines
{
    /// <summary>The text with every secret masked.</summary>
    public static string Mask(string text, Func<string, string> redact) => MaskLines(text, redact, _ => SecretValue.Mask);

    /// <summary>
    /// The unified diff of two versions of a file with every secret masked. A secret that changes still shows as a
    /// removed and an added line, both masked: the diff is taken with a digest after each mask, which is then cut.
    /// </summary>
    public static string Diff(string path, string? before, string after, Func<string, string> redact)
    {
        var diff = UnifiedDiff.Create(path,
            before is null ? null : MaskLines(before, redact, Tagged),
            MaskLines(after, redact, Tagged));
        return DigestTag().Replace(diff, "");
    }

    private static string Tagged(string value) =>
        SecretValue.Mask + TagMark + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..16];

    private const char TagMark = '\u0001';

    private static string MaskLines(string text, Func<string, string> redact, Func<string, string> mask)
    {
        var lines = text.Split('\n');
        var maskedIndent = -1;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var indent = line.Length - line.TrimStart(' ').Length;
            if (maskedIndent >= 0 && (line.Trim().Length == 0 || indent > maskedIndent))
            {
                // The nested or block-scalar value of a sensitive key.
                if (line.Trim().Length > 0) lines[i] = new string(' ', indent) + mask(line.Trim());
                continue;
            }
            maskedIndent = -1;
            var entry = KeyValueLine().Match(line);
            if (entry.Success && (ConfigDiff.IsSensitiveKey(entry.Groups["key"].Value) || Logging.HostSecrets.IsSensitiveName(entry.Groups["key"].Value)))
            {
                var value = entry.Groups["value"].Value.Trim();
                if (value.Length == 0 || value.StartsWith('|') || value.StartsWith('>')) maskedIndent = indent;
                else lines[i] = entry.Groups["head"].Value + mask(value);
                continue;
            }
            lines[i] = redact(line);
        }
        return string.Join('\n', lines);
    }

    [GeneratedRegex("""^(?<head>\s*(?:-\s+)?(?<q>["']?)(?<key>[A-Za-z0-9_.+-]+)\k<q>\s*:\s?)(?<value>.*)$""")]
    private static partial Regex KeyValueLine();

    [GeneratedRegex("\u0001[0-9A-F]{16}")]
    private static partial Regex DigestTag();
}
