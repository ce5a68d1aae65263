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

    public object? this[string key, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0]
    {
        get => Values[key];
        set
        {
            var at = _context.At(file, line);
            if (string.IsNullOrWhiteSpace(key)) throw new PlaybookException("config key must not be empty", at);
            try
            {
                Values[key] = value;
            }
            catch (ArgumentException e)
            {
                throw new PlaybookException($"config key '{key}': {e.Message}", at);
            }
            _context.Record(DeclarationSites.ConfigKey(_scope, key), at);
        }
    }

    public bool ContainsKey(string key) => Values.ContainsKey(key);

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => Values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
