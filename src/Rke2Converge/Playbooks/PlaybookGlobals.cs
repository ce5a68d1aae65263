using System.Diagnostics;
using System.Runtime.CompilerServices;
using Rke2Converge.Model;
using Rke2Converge.Playbooks.Inventories;

namespace Rke2Converge.Playbooks;

/// <summary>
/// The playbook language: every public member here can be called by name from a .csx playbook. A playbook only
/// declares; nothing here touches the network or any host. <see cref="ToModel"/> yields what was declared.
/// </summary>
public sealed class PlaybookGlobals : ResourceScope
{
    private readonly PlaybookContext _context;
    private readonly ClusterDeclaration _cluster;
    private readonly Dictionary<string, string> _sysctls = new(StringComparer.Ordinal);
    private readonly List<NodeDeclaration> _nodes = [];
    private readonly Dictionary<NodeRole, RoleDeclaration> _roles = [];
    private List<string> _joinOrder = [];
    private SourceLocation? _joinOrderAt;
    private SshSettings _sshDefaults = new();
    private SshTransport? _transport;
    private string? _knownHostsFile;
    private AgentBatching _agentBatching = new();
    private int _backupsKept = Rollout.Operations.FileOperations.DefaultBackupsKept;
    private readonly List<RemovalSpec> _removals = [];

    /// <param name="playbookPath">The main playbook file; relative paths in the playbook resolve against its directory.</param>
    /// <param name="displayPath">Turns a source file's full path into the one shown to users (default: unchanged).</param>
    internal PlaybookGlobals(string playbookPath, Func<string, string>? displayPath = null)
        : this(new PlaybookContext(playbookPath, displayPath ?? (path => path)))
    {
    }

    private PlaybookGlobals(PlaybookContext context)
        : base(context, SettingScope.Cluster, null, null)
    {
        _context = context;
        _cluster = new ClusterDeclaration(_context);
        Config = new PlaybookConfig(_context, SettingScope.Cluster);
        Secret = new PlaybookSecrets(_context);
        Artifacts = new PlaybookArtifacts(_context);
        Gates = new PlaybookGates(_context);
        Upgrade = new PlaybookUpgrade(_context);
        ConfigDropIns = new PlaybookConfigDropIns();
        Inventory = new PlaybookInventory(_context);
    }

    /// <summary>The directory holding the main playbook.</summary>
    /// <example>
    /// <code>
    /// File("/etc/rke2c/policy.yaml", System.IO.File.ReadAllText(Path.Combine(PlaybookDirectory, "policy.yaml")));
    /// </code>
    /// </example>
    public string PlaybookDirectory => _context.PlaybookDirectory;

    /// <summary>config.yaml values for every node.</summary>
    /// <example>
    /// <code>
    /// Config["cni"] = "canal";
    /// Config["tls-san"] = new[] { "rke2.example.com" };
    /// </code>
    /// </example>
    public PlaybookConfig Config { get; }

    /// <summary>
    /// Secrets by reference (<see cref="PlaybookSecrets.FromEnv"/>, <see cref="PlaybookSecrets.FromFile"/>): the
    /// value is read only when a rollout needs it and never appears in a plan, log or error.
    /// </summary>
    /// <example>
    /// <code>
    /// Cluster("prod").Token(Secret.FromEnv("RKE2_TOKEN"));
    /// </code>
    /// </example>
    public PlaybookSecrets Secret { get; }

    /// <summary>
    /// Where install artifacts come from for air-gapped installs (<see cref="PlaybookArtifacts.FromDirectory"/>,
    /// <see cref="PlaybookArtifacts.FromMirror"/>); by default nodes install from RKE2's GitHub releases.
    /// </summary>
    /// <example>
    /// <code>
    /// Artifacts.FromDirectory("./artifacts");
    /// </code>
    /// </example>
    public PlaybookArtifacts Artifacts { get; }

    /// <summary>
    /// Timing of the readiness gates run after each node changes (see <see cref="PlaybookGates"/> for each gate and its
    /// defaults).
    /// </summary>
    /// <example>
    /// <code>
    /// Gates.NodeReady(timeout: TimeSpan.FromMinutes(10)).SettleWindow(TimeSpan.FromMinutes(1));
    /// </code>
    /// </example>
    public PlaybookGates Gates { get; }

    /// <summary>Cordon and drain around restarts, per role (see <see cref="PlaybookUpgrade"/>).</summary>
    /// <example>
    /// <code>
    /// Upgrade.Drain(NodeRole.Agent, timeout: TimeSpan.FromMinutes(10));
    /// </code>
    /// </example>
    public PlaybookUpgrade Upgrade { get; }

    /// <summary>What apply does with drop-ins in config.yaml.d that fight the playbook: Fail() (default), Keep() or Remove().</summary>
    /// <example>
    /// <code>
    /// ConfigDropIns.Keep();
    /// </code>
    /// </example>
    public PlaybookConfigDropIns ConfigDropIns { get; }

    /// <summary>Hosts from an inventory file you already have: <c>Inventory.FromAnsible("hosts.ini")</c>, <c>FromYaml</c>, <c>FromCsv</c>.</summary>
    /// <example>
    /// <code>
    /// var inventory = Inventory.FromAnsible("hosts.ini");
    /// foreach (var host in inventory.Group("rke2_servers").Hosts) Server(host);
    /// </code>
    /// </example>
    public PlaybookInventory Inventory { get; }

    /// <summary>
    /// Names the cluster and returns its declaration, on which the RKE2 version, the join token and a registration
    /// address are set. Every playbook declares exactly one cluster.
    /// </summary>
    /// <example>
    /// <code>
    /// Cluster("prod")
    ///     .Version("v1.32.5+rke2r1")
    ///     .Token(Secret.FromEnv("RKE2_TOKEN"));
    /// </code>
    /// </example>
    public ClusterDeclaration Cluster(string name, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        _cluster.Name = name;
        _context.Record(DeclarationSites.ClusterKey, _context.At(file, line));
        return _cluster;
    }

    /// <summary>A sysctl for every node; the value is written in invariant culture (booleans as 1/0).</summary>
    /// <example>
    /// <code>
    /// Sysctl("net.ipv4.ip_forward", true);
    /// Sysctl("vm.max_map_count", 262144);
    /// </code>
    /// </example>
    public void Sysctl(string key, object value, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var at = _context.At(file, line);
        _sysctls[key] = SysctlValue.From(value, at);
        _context.Record(DeclarationSites.SysctlKey(SettingScope.Cluster, key), at);
    }

    /// <summary>An all-in-one server: etcd and control plane.</summary>
    /// <example>
    /// <code>
    /// Server("cp-1", "10.0.0.11");
    /// </code>
    /// </example>
    public NodeDeclaration Server(string name, string address, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Declare(name, address, NodeRole.Server, file, line);

    /// <summary>A server running etcd only.</summary>
    /// <example>
    /// <code>
    /// Etcd("etcd-1", "10.0.0.21");
    /// </code>
    /// </example>
    public NodeDeclaration Etcd(string name, string address, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Declare(name, address, NodeRole.EtcdOnly, file, line);

    /// <summary>A server running the control plane only; it can never be the first server.</summary>
    /// <example>
    /// <code>
    /// ControlPlane("api-1", "10.0.0.31");
    /// </code>
    /// </example>
    public NodeDeclaration ControlPlane(string name, string address, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Declare(name, address, NodeRole.ControlPlaneOnly, file, line);

    /// <summary>
    /// An agent (rke2-agent): runs workloads only. Agents converge after the servers, in batches
    /// (<see cref="AgentBatch"/>).
    /// </summary>
    /// <example>
    /// <code>
    /// Agent("worker-1", "10.0.0.41").Config["node-label"] = new[] { "pool=general" };
    /// </code>
    /// </example>
    public NodeDeclaration Agent(string name, string address, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Declare(name, address, NodeRole.Agent, file, line);

    /// <summary>
    /// An all-in-one server from an inventory host: its name (or <paramref name="name"/>), its <c>ansible_host</c> as
    /// the address and its <c>ansible_user</c>, <c>ansible_port</c> and <c>ansible_ssh_private_key_file</c> as the node's
    /// SSH settings; errors about the node name the inventory's line.
    /// </summary>
    /// <example>
    /// <code>
    /// foreach (var host in Inventory.FromAnsible("hosts.ini").Group("rke2_servers").Hosts) Server(host);
    /// </code>
    /// </example>
    public NodeDeclaration Server(InventoryHost host, string? name = null) => Declare(host, NodeRole.Server, name);

    /// <summary>A server running etcd only, from an inventory host (see <see cref="Server(InventoryHost, string?)"/>).</summary>
    /// <example>
    /// <code>
    /// foreach (var host in Inventory.FromAnsible("hosts.ini").Group("etcd").Hosts) Etcd(host);
    /// </code>
    /// </example>
    public NodeDeclaration Etcd(InventoryHost host, string? name = null) => Declare(host, NodeRole.EtcdOnly, name);

    /// <summary>A server running the control plane only, from an inventory host (see <see cref="Server(InventoryHost, string?)"/>).</summary>
    /// <example>
    /// <code>
    /// foreach (var host in Inventory.FromAnsible("hosts.ini").Group("control_plane").Hosts) ControlPlane(host);
    /// </code>
    /// </example>
    public NodeDeclaration ControlPlane(InventoryHost host, string? name = null) => Declare(host, NodeRole.ControlPlaneOnly, name);

    /// <summary>An agent from an inventory host (see <see cref="Server(InventoryHost, string?)"/>).</summary>
    /// <example>
    /// <code>
    /// foreach (var host in Inventory.FromAnsible("hosts.ini").Group("rke2_agents").Hosts) Agent(host);
    /// </code>
    /// </example>
    public NodeDeclaration Agent(InventoryHost host, string? name = null) => Declare(host, NodeRole.Agent, name);

    /// <summary>A node declared earlier (perhaps in a #load'ed file), to add config, sysctls or SSH settings to it.</summary>
    /// <example>
    /// <code>
    /// Node("cp-1").Sysctl("vm.swappiness", 10);
    /// </code>
    /// </example>
    public NodeDeclaration Node(string name, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        _nodes.LastOrDefault(n => n.Name == name)
        ?? throw new PlaybookException($"no node named '{name}' has been declared (yet)", _context.At(file, line));

    /// <summary>
    /// A node to take out of the cluster with <c>rke2c remove site.csx</c>: cordon, drain, <c>kubectl delete node</c>
    /// (its etcd member goes with it, refused when etcd would lose quorum), then rke2-uninstall.sh on
    /// <paramref name="address"/> when given. apply and plan never remove anything.
    /// </summary>
    /// <example>
    /// <code>
    /// Remove("worker-7", "10.0.0.47");
    /// </code>
    /// </example>
    public void Remove(string name, string? address = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var at = _context.At(file, line);
        if (string.IsNullOrWhiteSpace(name)) throw new PlaybookException("Remove needs a node name", at);
        if (_removals.Any(r => r.Name == name)) throw new PlaybookException($"node '{name}' is marked for removal twice", at);
        _removals.Add(new RemovalSpec(name, address, at));
    }

    /// <summary>Settings shared by every node of one role.</summary>
    /// <example>
    /// <code>
    /// Role(NodeRole.Agent).Config["kubelet-arg"] = new[] { "max-pods=200" };
    /// </code>
    /// </example>
    public RoleDeclaration Role(NodeRole role)
    {
        if (!_roles.TryGetValue(role, out var declaration))
        {
            declaration = new RoleDeclaration(_context, role);
            _roles[role] = declaration;
        }
        return declaration;
    }

    /// <summary>The order in which servers join, one at a time; the first one bootstraps the cluster.</summary>
    /// <example>
    /// <code>
    /// JoinOrder("cp-1", "cp-2", "cp-3");
    /// </code>
    /// </example>
    public void JoinOrder(params string[] nodes)
    {
        // A params array must come last, so caller-info parameters cannot follow it; the stack tells the line instead.
        _joinOrderAt = CallerFromStack();
        _joinOrder = [.. nodes];
    }

    /// <summary>
    /// SSH defaults for every node; a key path may start with <c>~</c> or be relative to the playbook. The transport
    /// (default <see cref="SshTransport.OpenSsh"/>) applies to every node; an explicit <c>--transport</c> overrides it.
    /// </summary>
    /// <example>
    /// <code>
    /// Ssh(user: "ubuntu", key: "~/.ssh/rke2", transport: SshTransport.SshNet);
    /// </code>
    /// </example>
    public void Ssh(string? user = null, int? port = null, string? key = null, SshTransport? transport = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var at = _context.At(file, line);
        _sshDefaults = new SshSettings(user, port, key is null ? null : _context.ResolvePath(key, at)).Over(_sshDefaults);
        _transport = transport ?? _transport;
        _context.Record(DeclarationSites.SshDefaultsKey, at);
    }

    /// <summary>The known_hosts file to check host keys against.</summary>
    /// <example>
    /// <code>
    /// KnownHosts("known_hosts");
    /// </code>
    /// </example>
    public void KnownHosts(string path, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var at = _context.At(file, line);
        _knownHostsFile = _context.ResolvePath(path, at);
        _context.Record(DeclarationSites.KnownHostsKey, at);
    }

    /// <summary>
    /// Converge at most <paramref name="count"/> agents at once, each batch behind its gates; by default a tenth of
    /// the agents (at least one) converge at once. The last of <c>AgentBatch</c> and <see cref="AgentBatchPercent"/> wins.
    /// </summary>
    /// <example>
    /// <code>
    /// AgentBatch(5);
    /// </code>
    /// </example>
    public void AgentBatch(int count, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (count < 1) throw new PlaybookException($"agent batch size must be at least 1, got {count}", _context.At(file, line));
        _agentBatching = new AgentBatching(Count: count);
    }

    /// <summary>Converge this share of all agents at once (at least one).</summary>
    /// <example>
    /// <code>
    /// AgentBatchPercent(25);
    /// </code>
    /// </example>
    public void AgentBatchPercent(int percent, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (percent is < 1 or > 100)
        {
            throw new PlaybookException($"agent batch percentage must be between 1 and 100, got {percent}", _context.At(file, line));
        }
        _agentBatching = new AgentBatching(Count: null, Percent: percent);
    }

    /// <summary>
    /// Keep the newest <paramref name="count"/> backups of each file rke2c replaces or removes on a host (default 5);
    /// older ones under /var/lib/rancher/rke2c/backups are deleted as each new one is made.
    /// </summary>
    /// <example>
    /// <code>
    /// KeepBackups(10);
    /// </code>
    /// </example>
    public void KeepBackups(int count, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (count < 1) throw new PlaybookException($"KeepBackups needs at least 1 (the copy of the file being replaced), got {count}", _context.At(file, line));
        _backupsKept = count;
    }

    /// <summary>An environment variable's value, or <paramref name="defaultValue"/> when it is unset or empty.</summary>
    /// <example>
    /// <code>
    /// Server("cp-1", Env("CP1_ADDRESS", "10.0.0.11"));
    /// </code>
    /// </example>
    public string Env(string name, string? defaultValue = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var value = Environment.GetEnvironmentVariable(name);
        if (!string.IsNullOrEmpty(value)) return value;
        return defaultValue ?? throw new PlaybookException($"environment variable {name} is not set and has no default", _context.At(file, line));
    }

    /// <summary>Everything declared so far, unvalidated; secrets stay unresolved.</summary>
    internal ClusterModel ToModel() => new()
    {
        Name = _cluster.Name,
        PlaybookPath = _context.PlaybookPath,
        VersionText = _cluster.VersionText,
        Token = _cluster.TokenSource,
        RegistrationAddress = _cluster.RegistrationAddressText,
        Sysctls = new Dictionary<string, string>(_sysctls, StringComparer.Ordinal),
        Config = Config.Values.Copy(),
        RoleConfig = _roles.ToDictionary(pair => pair.Key, pair => pair.Value.Config.Values.Copy()),
        Nodes = [.. _nodes.Select(node => node.ToSpec())],
        JoinOrder = [.. _joinOrder.Count > 0 ? _joinOrder : ImpliedJoinOrder()],
        JoinOrderDeclaredAt = _joinOrderAt,
        SshDefaults = _sshDefaults,
        Transport = _transport,
        KnownHostsFile = _knownHostsFile,
        Artifacts = Artifacts.Source,
        ImageArchives = Artifacts.CheckedImageArchives(),
        Gates = Gates.Settings,
        AgentBatching = _agentBatching,
        BackupsKept = _backupsKept,
        Upgrade = Upgrade.Settings,
        Removals = [.. _removals],
        ConfigDropIns = ConfigDropIns.Policy,
        Sites = _context.Sites(),
        Resources = [.. DeclaredResources, .. _roles.Values.SelectMany(role => role.DeclaredResources), .. _nodes.SelectMany(node => node.DeclaredResources)],
    };

    /// <summary>A lone server needs no declared order; with several, the order is the operator's to state.</summary>
    private IEnumerable<string> ImpliedJoinOrder()
    {
        var servers = _nodes.Where(node => node.Role.IsServer()).ToList();
        return servers.Count == 1 ? [servers[0].Name] : [];
    }

    private NodeDeclaration Declare(InventoryHost host, NodeRole role, string? name)
    {
        ArgumentNullException.ThrowIfNull(host);
        var node = new NodeDeclaration(_context, name ?? host.Name, host.Address, role, host.DeclaredAt);
        node.UseSsh(new SshSettings(host.User, host.Port, host.KeyFile is { } key ? _context.ResolvePath(key, host.DeclaredAt) : null), host.DeclaredAt);
        _nodes.Add(node);
        return node;
    }

    private NodeDeclaration Declare(string name, string address, NodeRole role, string file, int line)
    {
        var node = new NodeDeclaration(_context, name ?? "", address ?? "", role, _context.At(file, line));
        _nodes.Add(node);
        return node;
    }

    private SourceLocation? CallerFromStack()
    {
        var engine = typeof(PlaybookGlobals).Assembly;
        foreach (var frame in new StackTrace(1, fNeedFileInfo: true).GetFrames())
        {
            if (frame.GetMethod()?.DeclaringType?.Assembly == engine) continue;
            var file = frame.GetFileName();
            return string.IsNullOrEmpty(file) ? null : _context.At(file, frame.GetFileLineNumber());
        }
        return null;
    }
}
