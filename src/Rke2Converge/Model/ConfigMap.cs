using System.Collections;
using System.Globalization;

namespace Rke2Converge.Model;

/// <summary>
/// config.yaml values as the playbook declares them, normalised to a small set of types so that a desired
/// value and one parsed back from a host compare equal: string, bool, long, double, <see cref="SecretSource"/>,
/// lists (<see cref="IReadOnlyList{T}"/> of these) and maps (<see cref="ConfigMap"/>).
/// Keys keep the order in which they were first set, which is the order they are written in.
/// </summary>
internal sealed class ConfigMap : IEnumerable<KeyValuePair<string, object?>>
{
    private readonly List<string> _order = [];
    private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);

    public object? this[string key]
    {
        get => _values.TryGetValue(key, out var value) ? value : null;
        set
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(key);
            if (!_values.ContainsKey(key)) _order.Add(key);
            _values[key] = Normalize(value);
        }
    }

    public int Count => _order.Count;

    public IEnumerable<string> Keys => _order;

    public bool ContainsKey(string key) => _values.ContainsKey(key);

    public bool Remove(string key) => _values.Remove(key) && _order.Remove(key);

    /// <summary>A new map holding this map's entries overlaid with <paramref name="overlay"/>'s (the overlay wins).</summary>
    public ConfigMap MergedWith(ConfigMap overlay)
    {
        var merged = Copy();
        foreach (var (key, value) in overlay) merged[key] = value;
        return merged;
    }

    public ConfigMap Copy()
    {
        var copy = new ConfigMap();
        foreach (var (key, value) in this) copy[key] = value;
        return copy;
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() =>
        _order.Select(key => new KeyValuePair<string, object?>(key, _values[key])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Brings any value a playbook may assign into the normalised shape.</summary>
    public static object? Normalize(object? value) => value switch
    {
        null => null,
        string or bool or SecretSource => value,
        ConfigMap map => map.Copy(),
        sbyte or byte or short or ushort or int or uint or long => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        ulong or float or double or decimal => Convert.ToDouble(value, CultureInfo.InvariantCulture),
        IDictionary dictionary => FromDictionary(dictionary),
        IEnumerable sequence => sequence.Cast<object?>().Select(Normalize).ToList().AsReadOnly(),
        _ => throw new ArgumentException(
            $"config values must be strings, numbers, booleans, lists, maps or secrets; got {value.GetType().Name}"),
    };

    private static ConfigMap FromDictionary(IDictionary dictionary)
    {
        var map = new ConfigMap();
        foreach (DictionaryEntry entry in dictionary)
        {
            map[Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? ""] = entry.Value;
        }
        return map;
    }
}
