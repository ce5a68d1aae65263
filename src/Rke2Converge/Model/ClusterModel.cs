namespace Rke2Converge.Model;

/// <summary>Where install artifacts (rke2.linux-ARCH.tar.gz and sha256sum-ARCH.txt, per version) come from.</summary>
internal abstract record ArtifactSource
{
    private ArtifactSource() { }

    /// <summary>A directory on the machine running rke2c, holding one sub-directory per version; files are pushed over SSH.</summary>
    public sealed record LocalDirectory(string Path) : ArtifactSource;

    /// <summary>An HTTP(S) mirror laid out like the GitHub releases: BASE/VERSION/FILE, fetched on the node itself.</summary>
    public sealed record Mirror(Uri BaseUrl) : ArtifactSource;
}

/// <summary>Timeout and poll interval of one readiness gate.</summary>
internal sealed record GateTiming(TimeSpan Timeout, TimeSpan PollInterval);

/// <summary>How long each gate may take and how often it looks. Playbooks override these defaults.</summary>
internal sealed record GateSettings
{
    public GateTiming ServiceActive { get; init; } = new(TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(2));
    public GateTiming SupervisorPing { get; init; } = new(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(2));
    public GateTiming EtcdHealth { get; init; } = new(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(2));
    public GateTiming ApiServerReady { get; init; } = new(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(2));
    public GateTiming NodeReady { get; init; } = new(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(2));
    public GateTiming StaticPodsStable { get; init; } = new(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(2));

    /// <summary>How long a rebooted host may take to answer over SSH with a new boot id.</summary>
    public GateTiming Reboot { get; init; } = new(TimeSpan.FromMinutes(15), TimeSpan.FromSeconds(3));

    /// <summary>How long etcd and kube-apiserver must run without a restart before the next node may be touched.</summary>
    public TimeSpan SettleWindow { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The playbook's own gates, run after the built-in ones.</summary>
    public IReadOnlyList<CustomGateSpec> Custom { get; init; } = [];
}

/// <summary>A user gate: a read-only command run on the node until it exits 0 (and prints <see cref="Expect"/>, when given).</summary>
internal sealed record CustomGateSpec(string Name, string Command, string? Expect, GateTiming Timing, IReadOnlyList<NodeRole> Roles);

/// <summary>How many agents converge at once: a share of all agents, at least one.</summary>
internal sealed record AgentBatching(int? Count = null, int Percent = 10)
{
    public int SizeFor(int agentCount) =>
        Math.Max(1, Count ?? (int)Math.Ceiling(agentCount * Percent / 100.0));
}

/// <summary>The whole desired state a playbook declares, before validation.</summary>
internal sealed record ClusterModel
{
    public required string Name { get; init; }
    public required string PlaybookPath { get; init; }
    public string? VersionText { get; init; }
    public SecretSource? Token { get; init; }

    /// <summary>Where joining nodes register (<c>server:</c>) instead of the first server's own address, e.g. a load balancer.</summary>
    public string? RegistrationAddress { get; init; }
    public IReadOnlyDictionary<string, string> Sysctls { get; init; } = new Dictionary<string, string>();
    public ConfigMap Config { get; init; } = new();
    public IReadOnlyDictionary<NodeRole, ConfigMap> RoleConfig { get; init; } = new Dictionary<NodeRole, ConfigMap>();
    public IReadOnlyList<NodeSpec> Nodes { get; init; } = [];
    public IReadOnlyList<string> JoinOrder { get; init; } = [];
    public SourceLocation? JoinOrderDeclaredAt { get; init; }
    public SshSettings SshDefaults { get; init; } = new();

    /// <summary>The playbook's <c>Ssh(transport: ...)</c>; null when it leaves the choice to the command line.</summary>
    public SshTransport? Transport { get; init; }
    public string? KnownHostsFile { get; init; }
    public ArtifactSource? Artifacts { get; init; }

    /// <summary>The images tarballs staged on every node (<c>Artifacts.Images(...)</c>): archive names without the <c>.linux-ARCH.tar.*</c> suffix.</summary>
    public IReadOnlyList<string> ImageArchives { get; init; } = [];
    public GateSettings Gates { get; init; } = new();
    public AgentBatching AgentBatching { get; init; } = new();

    /// <summary>Backups kept per file rke2c replaces or removes on a host, newest first (<c>KeepBackups(n)</c>).</summary>
    public int BackupsKept { get; init; } = Rollout.Operations.FileOperations.DefaultBackupsKept;

    /// <summary>Nodes marked with <c>Remove(...)</c>, for <c>rke2c remove</c>.</summary>
    public IReadOnlyList<RemovalSpec> Removals { get; init; } = [];

    /// <summary>Cordon/drain around restarts, per role.</summary>
    public UpgradeSettings Upgrade { get; init; } = new();
    public ConfigDropInPolicy ConfigDropIns { get; init; } = ConfigDropInPolicy.Fail;

    /// <summary>Resources (files, registries, manifests, ...) declared for all nodes, a role or one node.</summary>
    public IReadOnlyList<ScopedResource> Resources { get; init; } = [];

    /// <summary>Where the playbook declared each setting; empty for models built in code.</summary>
    public DeclarationSites Sites { get; init; } = DeclarationSites.Empty;

    /// <summary>Parsed <see cref="VersionText"/>; only valid after validation has passed.</summary>
    public Rke2Version Version => Rke2Version.Parse(VersionText ?? "");

    public NodeSpec Node(string name) => Nodes.Single(n => n.Name == name);

    /// <summary>Sysctls for one node: cluster-wide values overlaid with the node's own.</summary>
    public IReadOnlyDictionary<string, string> SysctlsFor(NodeSpec node)
    {
        var merged = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in Sysctls) merged[key] = value;
        foreach (var (key, value) in node.Sysctls) merged[key] = value;
        return merged;
    }

    /// <summary>The playbook's config.yaml values for one node, merged in order: all nodes, the node's role, the node.</summary>
    public ConfigMap ConfigFor(NodeSpec node)
    {
        var merged = Config.Copy();
        if (RoleConfig.TryGetValue(node.Role, out var roleConfig)) merged = merged.MergedWith(roleConfig);
        return merged.MergedWith(node.Config);
    }

    /// <summary>
    /// The resources one node gets: cluster-wide, then its role's, then its own; a narrower declaration replaces a
    /// wider one with the same key. Resources that do not belong on the node (manifests on agents) are left out.
    /// </summary>
    public IReadOnlyList<Resources.Resource> ResourcesFor(NodeSpec node)
    {
        var merged = new Dictionary<string, Resources.Resource>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var scoped in Resources.Where(r => r.Node is null && r.Role is null)
                     .Concat(Resources.Where(r => r.Node is null && r.Role == node.Role))
                     .Concat(Resources.Where(r => r.Node == node.Name)))
        {
            if (!merged.ContainsKey(scoped.Resource.Key)) order.Add(scoped.Resource.Key);
            merged[scoped.Resource.Key] = scoped.Resource;
        }
        return [.. order.Select(key => merged[key]).Where(resource => resource.AppliesTo(node))];
    }

    /// <summary>Servers in join order, then agents in declaration order.</summary>
    public IReadOnlyList<NodeSpec> RolloutOrder() =>
        [.. JoinOrder.Select(Node), .. Nodes.Where(n => n.Role == NodeRole.Agent)];
}

/// <summary>A node to remove from the cluster, and how to reach it for the uninstall (no address: cluster side only).</summary>
internal sealed record RemovalSpec(string Name, string? Address, SourceLocation? DeclaredAt)
{
    /// <summary>As a node the SSH layer can reach (its role plays no part there).</summary>
    public NodeSpec? AsHost(SshSettings ssh) => Address is null ? null : new(Name, Address, NodeRole.Agent, ssh, new Dictionary<string, string>(), new ConfigMap(), DeclaredAt);
}

/// <summary>A resource and the scope it was declared at: all nodes (both null), one role, or one node.</summary>
internal sealed record ScopedResource(Resources.Resource Resource, SettingScope Scope, NodeRole? Role = null, string? Node = null);
