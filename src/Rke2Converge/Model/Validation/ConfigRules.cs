namespace Rke2Converge.Model.Validation;

/// <summary>
/// Keys the engine writes itself must not be set by hand; keys must be well formed, and unknown ones (RKE2 ignores
/// them) are warned about; values carry no control characters; keys rke2 compares between servers must agree.
/// </summary>
internal static class ConfigRules
{
    /// <summary>rke2 refuses a joining server whose value of any of these differs from the cluster's.</summary>
    public static readonly IReadOnlyList<string> MustMatchAcrossServers =
    [
        "cluster-cidr", "service-cidr", "cluster-dns", "cluster-domain", "agent-token",
        "disable-kube-proxy", "egress-selector-mode", "disable-cloud-controller",
    ];

    private const string RoleKeyAdvice = "the engine derives it from the node's role";
    private const string ClusterResetAdvice =
        "a one-shot flag (docs.rke2.io/backup_restore: run once by hand with the service stopped); left in config.yaml, "
        + "every later start of the server would reset etcd again: restore a snapshot with rke2c restore site.csx SNAPSHOT (docs/operations/restore.md), never through the playbook";
    private const string NodeNameAdvice = "rke2c names each node as declared (Server(\"name\", ...)), and plans and gates look for that name";

    /// <summary>Keys rke2c writes itself (docs/resources.md: "refuses playbooks that set those"), by <see cref="Canonical"/> form.</summary>
    private static readonly IReadOnlyDictionary<string, string> EngineOwnedKeys = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["token"] = "declare the token with Cluster(...).Token(Secret.FromEnv(...)) or Secret.FromFile(...)",
        ["token-file"] = "declare the token with Cluster(...).Token(Secret.FromFile(...))",
        ["server"] = "the engine points every joining node at the first server of JoinOrder(...)",
        ["node-name"] = NodeNameAdvice,
        ["with-node-id"] = NodeNameAdvice,
        ["node-name-from-cloud-provider-metadata"] = NodeNameAdvice,
        ["disable-etcd"] = $"{RoleKeyAdvice}: declare the node with ControlPlane(...)",
        ["disable-apiserver"] = $"{RoleKeyAdvice}: declare the node with Etcd(...)",
        ["disable-controller-manager"] = $"{RoleKeyAdvice}: declare the node with Etcd(...)",
        ["disable-scheduler"] = $"{RoleKeyAdvice}: declare the node with Etcd(...)",
        ["cluster-reset"] = ClusterResetAdvice,
        ["cluster-reset-restore-path"] = ClusterResetAdvice,
    };

    /// <summary>
    /// Why rke2c owns <paramref name="key"/> (in any spelling: case, '_', a trailing '+', k3s's one-letter alias), or
    /// null when the playbook may set it.
    /// </summary>
    internal static string? EngineOwned(string key) =>
        EngineOwnedKeys.TryGetValue(Rke2ConfigKeys.LongName(Canonical(key)), out var advice) ? advice : null;

    /// <summary>The key's name in a message: a one-letter alias says what it stands for.</summary>
    internal static string Described(string key) =>
        Rke2ConfigKeys.ShortAliases.TryGetValue(Canonical(key), out var longName)
            ? $"{Printable.Quote(key)} (k3s's one-letter alias of '{longName}')"
            : Printable.Quote(key);

    public static void Check(ClusterModel model, List<ValidationProblem> problems)
    {
        CheckKeys(model.Config, SettingScope.Cluster, Rke2Command.Server | Rke2Command.Agent, model.Sites, problems);
        foreach (var (role, config) in model.RoleConfig)
        {
            CheckKeys(config, SettingScope.ForRole(role), CommandOf(role), model.Sites, problems);
        }
        foreach (var node in model.Nodes)
        {
            CheckKeys(node.Config, SettingScope.ForNode(node.Name), CommandOf(node.Role), model.Sites, problems, node.DeclaredAt);
        }
        CheckServersAgree(model, problems);
    }

    /// <summary>
    /// The key as it would be compared against the engine's own: trimmed, lowercase, '_' as '-', without RKE2's
    /// append suffix. Compared this way, <c>"Token "</c> or <c>node_name</c> cannot slip past the managed-key check.
    /// </summary>
    internal static string Canonical(string key) => Rke2ConfigKeys.Bare(key.Trim()).ToLowerInvariant().Replace('_', '-');

    /// <summary>How to declare what <paramref name="key"/> sets when rke2c writes that key itself, else null.</summary>
    internal static string? EngineOwnedAdvice(string key) => EngineOwnedKeys.GetValueOrDefault(Canonical(key));

    private static Rke2Command CommandOf(NodeRole role) => role.IsServer() ? Rke2Command.Server : Rke2Command.Agent;

    private static void CheckKeys(
        ConfigMap config, SettingScope scope, Rke2Command readers, DeclarationSites sites, List<ValidationProblem> problems,
        SourceLocation? fallback = null)
    {
        foreach (var (key, value) in config)
        {
            var at = sites.Config(scope, key) ?? fallback;
            var canonical = Canonical(key);
            if (EngineOwned(key) is { } advice)
            {
                problems.Add(ValidationProblem.Error($"config key {Described(key)} ({scope.Description}) is managed by rke2c: {advice}", at));
            }
            else if (Rke2ConfigKeys.ShortAliases.TryGetValue(canonical, out var longName))
            {
                problems.Add(ValidationProblem.Error(
                    $"config key {Described(key)} ({scope.Description}) is refused: write Config[\"{longName}\"], so one key has one spelling", at));
            }
            else if (!Grammar.IsConfigKey(key))
            {
                problems.Add(ValidationProblem.Error(
                    $"config key {Printable.Quote(key)} ({scope.Description}) is invalid: RKE2 keys are lowercase words joined by '-', "
                    + $"such as tls-san{DidYouMean(key)}", at));
            }
            else if (canonical == "agent-token" && value is not SecretSource)
            {
                problems.Add(ValidationProblem.Error(
                    $"config key 'agent-token' ({scope.Description}) must be a secret: Config[\"agent-token\"] = Secret.FromEnv(...) or Secret.FromFile(...)",
                    at));
            }
            else
            {
                CheckKnown(key, scope, readers, at, problems);
            }
            CheckValue(key, value, scope, at, problems);
        }
    }

    /// <summary>RKE2 skips keys its command does not know without a word, so a typo would otherwise go unnoticed.</summary>
    private static void CheckKnown(string key, SettingScope scope, Rke2Command readers, SourceLocation? at, List<ValidationProblem> problems)
    {
        var commands = Rke2ConfigKeys.CommandsReading(key);
        if (commands == Rke2Command.None)
        {
            problems.Add(ValidationProblem.Warning(
                $"config key {Printable.Quote(key)} ({scope.Description}) is not an RKE2 server or agent option; RKE2 ignores it{DidYouMean(key)}", at));
        }
        else if ((commands & readers) == Rke2Command.None)
        {
            problems.Add(ValidationProblem.Warning(
                $"config key {Printable.Quote(key)} ({scope.Description}) is read by rke2 {Words(commands)} only; rke2 {Words(readers)} ignores it", at));
        }
    }

    private static string Words(Rke2Command commands) => commands.ToString().ToLowerInvariant().Replace(", ", " and ", StringComparison.Ordinal);

    private static string DidYouMean(string key)
    {
        var suggestions = Rke2ConfigKeys.Suggest(key).Where(s => s != key).Select(s => $"'{s}'").ToList();
        return suggestions.Count switch
        {
            0 => "",
            1 => $": did you mean {suggestions[0]}?",
            _ => $": did you mean {string.Join(", ", suggestions.Take(suggestions.Count - 1))} or {suggestions[^1]}?",
        };
    }

    /// <summary>Values are carried literally, line breaks and tabs included; other control characters are refused.</summary>
    private static void CheckValue(string key, object? value, SettingScope scope, SourceLocation? at, List<ValidationProblem> problems)
    {
        switch (value)
        {
            case string text when Printable.FirstUnsafe(text, allowed: "\n\t") is { } bad:
                problems.Add(ValidationProblem.Error(
                    $"config key {Printable.Quote(key)} ({scope.Description}) has a value {Printable.Quote(text)} containing {Printable.Describe(bad)}", at));
                break;
            case ConfigMap map:
                foreach (var (innerKey, innerValue) in map)
                {
                    if (Printable.FirstUnsafe(innerKey) is { } badKey)
                    {
                        problems.Add(ValidationProblem.Error(
                            $"config key {Printable.Quote(key)} ({scope.Description}) has an entry {Printable.Quote(innerKey)} containing {Printable.Describe(badKey)}", at));
                    }
                    CheckValue(key, innerValue, scope, at, problems);
                }
                break;
            case IReadOnlyList<object?> list:
                foreach (var item in list) CheckValue(key, item, scope, at, problems);
                break;
        }
    }

    private static void CheckServersAgree(ClusterModel model, List<ValidationProblem> problems)
    {
        var servers = model.Nodes.Where(n => n.Role.IsServer()).Select(n => (Node: n, Config: model.ConfigFor(n))).ToList();
        if (servers.Count < 2) return;
        foreach (var key in MustMatchAcrossServers)
        {
            var groups = servers.GroupBy(s => ConfigValueText.Of(s.Config[key]), StringComparer.Ordinal).ToList();
            if (groups.Count < 2) continue;
            var described = string.Join("; ", groups.Select(g => $"{string.Join(", ", g.Select(s => s.Node.Name))} = {g.Key}"));
            var odd = groups[1].First().Node;
            problems.Add(ValidationProblem.Error(
                $"config key '{key}' must be the same on every server (rke2 rejects a mismatching server), but differs: {described}",
                SiteOf(model, odd, key)));
        }
    }

    /// <summary>The most specific place that set <paramref name="key"/> for a node: the node, its role, or all nodes.</summary>
    internal static SourceLocation? SiteOf(ClusterModel model, NodeSpec node, string key) =>
        (node.Config.ContainsKey(key) ? model.Sites.Config(SettingScope.ForNode(node.Name), key) : null)
        ?? (model.RoleConfig.TryGetValue(node.Role, out var roleConfig) && roleConfig.ContainsKey(key)
            ? model.Sites.Config(SettingScope.ForRole(node.Role), key)
            : null)
        ?? (model.Config.ContainsKey(key) ? model.Sites.Config(SettingScope.Cluster, key) : null)
        ?? node.DeclaredAt;
}
