using System.Globalization;
using Rke2Converge.Model;

namespace Rke2Converge.Plan.Diff;

/// <summary>
/// Compares config.yaml as YAML structure: key by key, nested maps by path, lists item by item. Scalars compare by
/// their YAML text, so <c>10</c>, <c>"10"</c> and <c>10</c> as a number are the same value.
/// </summary>
internal sealed class ConfigDiff(Func<SecretSource, string> revealSecret)
{
    /// <summary>Keys whose values are secret even when the playbook gives them as plain text.</summary>
    private static readonly HashSet<string> SensitiveKeys = new(StringComparer.Ordinal)
    {
        "token", "agent-token", "etcd-s3-secret-key", "etcd-s3-access-key",
    };

    /// <summary>Whether a config.yaml key (an appending <c>key+</c> included) holds a secret whatever its value.</summary>
    public static bool IsSensitiveKey(string key) => SensitiveKeys.Contains(key.TrimEnd('+'));

    public IReadOnlyList<ConfigEntryChange> Compare(ConfigMap desired, ConfigMap actual)
    {
        var changes = new List<ConfigEntryChange>();
        CompareMaps("", desired, actual, sensitive: false, changes);
        return changes;
    }

    private void CompareMaps(string prefix, ConfigMap desired, ConfigMap actual, bool sensitive, List<ConfigEntryChange> changes)
    {
        foreach (var (key, want) in desired)
        {
            var path = prefix + key;
            var secret = sensitive || SensitiveKeys.Contains(key) || want is SecretSource;
            var have = actual.ContainsKey(key) ? actual[key] : null;
            if (want is null)
            {
                if (have is not null) changes.Add(Entry(path, ConfigEntryChangeKind.Removed, Display(have), null, secret));
                continue;
            }
            if (!actual.ContainsKey(key) || have is null)
            {
                changes.Add(Entry(path, ConfigEntryChangeKind.Added, null, Display(want), secret));
                continue;
            }
            CompareValues(path, want, have, secret, changes);
        }
        foreach (var (key, have) in actual)
        {
            if (!desired.ContainsKey(key) && have is not null)
            {
                changes.Add(Entry(prefix + key, ConfigEntryChangeKind.Removed, Display(have), null, sensitive || SensitiveKeys.Contains(key)));
            }
        }
    }

    private void CompareValues(string path, object want, object have, bool secret, List<ConfigEntryChange> changes)
    {
        switch (want, have)
        {
            case (ConfigMap wantMap, ConfigMap haveMap):
                CompareMaps(path + ".", wantMap, haveMap, secret, changes);
                break;
            case (IReadOnlyList<object?> wantList, IReadOnlyList<object?> haveList):
                CompareLists(path, wantList, haveList, secret, changes);
                break;
            default:
                if (!SameValue(want, have)) changes.Add(Entry(path, ConfigEntryChangeKind.Changed, Display(have), Display(want), secret));
                break;
        }
    }

    private void CompareLists(string path, IReadOnlyList<object?> want, IReadOnlyList<object?> have, bool secret, List<ConfigEntryChange> changes)
    {
        var wantTexts = want.Select(Display).ToList();
        var haveTexts = have.Select(Display).ToList();
        if (wantTexts.SequenceEqual(haveTexts, StringComparer.Ordinal)) return;
        var removed = haveTexts.Where(item => !wantTexts.Contains(item, StringComparer.Ordinal)).ToList();
        var added = wantTexts.Where(item => !haveTexts.Contains(item, StringComparer.Ordinal)).ToList();
        if (removed.Count == 0 && added.Count == 0)
        {
            changes.Add(Entry(path, ConfigEntryChangeKind.Changed, Display(have), Display(want), secret));
            return;
        }
        changes.AddRange(removed.Select(item => Entry(path + "[]", ConfigEntryChangeKind.Removed, item, null, secret)));
        changes.AddRange(added.Select(item => Entry(path + "[]", ConfigEntryChangeKind.Added, null, item, secret)));
    }

    /// <summary>Sensitive values are masked here, at the source, so no later formatter can leak them.</summary>
    private static ConfigEntryChange Entry(string path, ConfigEntryChangeKind kind, string? before, string? after, bool sensitive) =>
        sensitive
            ? new(path, kind, before is null ? null : SecretValue.Mask, after is null ? null : SecretValue.Mask, true)
            : new(path, kind, before, after, false);

    private bool SameValue(object want, object have)
    {
        if (have is ConfigMap || have is IReadOnlyList<object?>) return false;
        var haveText = Scalar(have);
        return want switch
        {
            bool flag => haveText.Equals(flag ? "true" : "false", StringComparison.OrdinalIgnoreCase),
            double number => double.TryParse(haveText, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && parsed.Equals(number),
            _ => Scalar(want) == haveText,
        };
    }

    private string Scalar(object? value) => value switch
    {
        null => "",
        SecretSource secret => revealSecret(secret),
        bool flag => flag ? "true" : "false",
        long number => number.ToString(CultureInfo.InvariantCulture),
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>A compact, single-line rendering for plans. Secret sources render masked.</summary>
    private string Display(object? value) => value switch
    {
        SecretSource => SecretValue.Mask,
        ConfigMap map => "{" + string.Join(", ", map.Select(entry => $"{entry.Key}: {Display(entry.Value)}")) + "}",
        IReadOnlyList<object?> list => "[" + string.Join(", ", list.Select(Display)) + "]",
        _ => Scalar(value),
    };
}
