using System.Collections;
using System.Runtime.CompilerServices;
using Rke2Converge.Model;

namespace Rke2Converge.Playbooks;

/// <summary>
/// config.yaml values for one scope (all nodes, one role, one node), written as <c>Config["key"] = value</c>.
/// Values may be strings, numbers, booleans, lists, maps or secrets.
/// </summary>
public sealed class PlaybookConfig : IEnumerable<KeyValuePair<string, object?>>
{
    private readonly PlaybookContext _context;
    private readonly SettingScope _scope;

    internal PlaybookConfig(PlaybookContext context, SettingScope scope)
    {
        _context = context;
        _scope = scope;
    }

    internal ConfigMap Values { get; } = new();

    /// <summary>
    /// A config.yaml key of this scope. Setting it validates the key against RKE2's flags (an unknown key is an error
    /// naming the nearest ones); a value set again replaces the earlier one; <c>null</c> removes the key at this scope.
    /// Reading gives the value set at this scope, or null.
    /// </summary>
    /// <example>
    /// <code>
    /// Config["write-kubeconfig-mode"] = "0640";
    /// Config["disable"] = new[] { "rke2-ingress-nginx" };
    /// </code>
    /// </example>
    public object? this[string key, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0]
    {
        get => Values[key];
        set
        {
            var at = _context.At(file, line);
            if (string.IsNullOrWhiteSpace(key)) throw new PlaybookException("config key must not be empty", at);
            try
            {
                Values[key] = WithUnixLineEndings(ConfigMap.Normalize(value));
            }
            catch (ArgumentException e)
            {
                throw new PlaybookException($"config key '{key}': {e.Message}", at);
            }
            _context.Record(DeclarationSites.ConfigKey(_scope, key), at);
        }
    }

    /// <summary>
    /// CRLF (and lone CR) become LF in every string: config.yaml is read back with LF only, so a CRLF value would
    /// otherwise differ from what the node holds on every plan.
    /// </summary>
    private static object? WithUnixLineEndings(object? value) => value switch
    {
        string text => text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n'),
        ConfigMap map => map.Aggregate(new ConfigMap(), (copy, entry) =>
        {
            copy[entry.Key] = WithUnixLineEndings(entry.Value);
            return copy;
        }),
        IReadOnlyList<object?> list => list.Select(WithUnixLineEndings).ToList().AsReadOnly(),
        _ => value,
    };

    /// <summary>
    /// Whether this scope sets <paramref name="key"/>.
    /// </summary>
    public bool ContainsKey(string key) => Values.ContainsKey(key);

    /// <summary>
    /// The keys set at this scope, with their values.
    /// </summary>
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => Values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
