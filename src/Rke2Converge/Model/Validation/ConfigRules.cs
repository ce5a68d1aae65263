namespace Rke2Converge.Model.Validation;

/// <summary>Keys the engine writes itself must not be set by hand; keys rke2 compares between servers must agree.</summary>
internal static class ConfigRules
{
    /// <summary>rke2 refuses a joining server whose value of any of these differs from the cluster's.</summary>
    public static readonly IReadOnlyList<string> MustMatchAcrossServers =
    [
        "cluster-cidr", "service-cidr", "cluster-dns", "cluster-domain", "agent-token",
        "disable-kube-proxy", "egress-selector-mode", "disable-cloud-controller",
    ];

    private const string RoleKeyAdvice = "the engine derives it from the node's role";

    private static readonly IReadOnlyDictionary<string, string> EngineOwnedKeys = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["token"] = "declare the token with Cluster(...).Token(Secret.FromEnv(...)) or Secret.FromFile(...)",
        ["server"] = "the engine points every joining node at the first server of JoinOrder(...)",
        ["disable-etcd"] = $"{RoleKeyAdvice}: declare the node with ControlPlane(...)",
        ["disable-apiserver"] = $"{RoleKeyAdvice}: declare the node with Etcd(...)",
        ["disable-controller-manager"] = $"{RoleKeyAdvice}: declare the node with Etcd(...)",
        ["disable-scheduler"] = $"{RoleKeyAdvice}: declare the node with Etcd(...)",
    };

    public static void Check(ClusterModel model, List<ValidationProblem> problems)
    {
        CheckOwnedKeys(model.Config, SettingScope.Cluster, model.Sites, problems);
        foreach (var (role, config) in model.RoleConfig)
        {
            CheckOwnedKeys(config, SettingScope.ForRole(role), model.Sites, problems);
        }
        foreach (var node in model.Nodes)
        {
            CheckOwnedKeys(node.Config, SettingScope.ForNode(node.Name), model.Sites, problems, node.DeclaredAt);
        }
        CheckServersAgree(model, problems);
    }

    private static void CheckOwnedKeys(
        ConfigMap config, SettingScope scope, DeclarationSites sites, List<ValidationProblem> problems, SourceLocation? fallback = null)
    {
        foreach (var (key, value) in config)
        {
            var at = sites.Config(scope, key) ?? fallback;
            if (EngineOwnedKeys.TryGetValue(key, out var advice))
            {
                problems.Add(ValidationProblem.Error($"config key '{key}' ({scope.Description}) is managed by rke2c: {advice}", at));
            }
            else if (key == "agent-token" && value is not SecretSource)
            {
                problems.Add(ValidationProblem.Error(
                    $"config key 'agent-token' ({scope.Description}) must be a secret: Config[\"agent-token\"] = Secret.FromEnv(...) or Secret.FromFile(...)",
                    at));
            }
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
