namespace Rke2Converge.Model;

/// <summary>
/// Resolves every secret a model uses, once, before any host is contacted, so a missing variable or file is an
/// error up front. Each value is handed to <paramref name="onResolved"/> (the log redactor) before anyone can use it.
/// </summary>
internal sealed class SecretResolver(Action<string> onResolved)
{
    private readonly Dictionary<SecretSource, SecretValue> _values = [];

    /// <summary>Resolves the token and every secret in config values; returns one message per secret that failed.</summary>
    public IReadOnlyList<string> ResolveAll(ClusterModel model)
    {
        var sources = new List<(string Where, SecretSource Source)>();
        if (model.Token is not null) sources.Add(("Token", model.Token));
        Collect("Config", model.Config, sources);
        foreach (var (role, config) in model.RoleConfig) Collect($"{role.DisplayName()} config", config, sources);
        foreach (var node in model.Nodes) Collect($"{node.Name} config", node.Config, sources);
        foreach (var scoped in model.Resources) sources.AddRange(scoped.Resource.Secrets.Select(secret => (scoped.Resource.Key, secret)));

        var problems = new List<string>();
        foreach (var (where, source) in sources)
        {
            if (_values.ContainsKey(source)) continue;
            try
            {
                var value = source.Resolve();
                onResolved(value.Reveal());
                _values[source] = value;
            }
            catch (Exception error) when (error is SecretUnavailableException or IOException or UnauthorizedAccessException)
            {
                problems.Add($"{where}: secret {source.Describe()} cannot be read: {error.Message}");
            }
        }
        return problems;
    }

    public string Reveal(SecretSource source) =>
        _values.TryGetValue(source, out var value)
            ? value.Reveal()
            : throw new InvalidOperationException($"secret {source.Describe()} was not resolved up front");

    private static void Collect(string where, object? value, List<(string, SecretSource)> into)
    {
        switch (value)
        {
            case SecretSource secret:
                into.Add((where, secret));
                break;
            case ConfigMap map:
                foreach (var (key, item) in map) Collect($"{where} {key}", item, into);
                break;
            case IReadOnlyList<object?> list:
                foreach (var item in list) Collect(where, item, into);
                break;
        }
    }
}
