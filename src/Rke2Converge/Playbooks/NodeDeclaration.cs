using System.Runtime.CompilerServices;
using Rke2Converge.Model;

namespace Rke2Converge.Playbooks;

/// <summary>One node being declared; its own config and sysctls overlay the cluster-wide and role ones.</summary>
public sealed class NodeDeclaration : ResourceScope
{
    private readonly PlaybookContext _context;
    private readonly SettingScope _scope;
    private readonly Dictionary<string, string> _sysctls = new(StringComparer.Ordinal);
    private SshSettings _ssh = new();

    internal NodeDeclaration(PlaybookContext context, string name, string address, NodeRole role, SourceLocation at)
        : base(context, SettingScope.ForNode(name), null, name)
    {
        _context = context;
        Name = name;
        Address = address;
        Role = role;
        DeclaredAt = at;
        _scope = SettingScope.ForNode(name);
        Config = new PlaybookConfig(context, _scope);
    }

    /// <summary>
    /// The node's name, as the plan, <c>--limit</c> and <c>JoinOrder</c> name it.
    /// </summary>
    public string Name { get; }

    /// <summary>
    /// Where rke2c connects to the node (a host name or IP address).
    /// </summary>
    public string Address { get; }

    /// <summary>
    /// What the node runs.
    /// </summary>
    public NodeRole Role { get; }

    internal SourceLocation DeclaredAt { get; }

    /// <summary>config.yaml values for this node only.</summary>
    /// <example>
    /// <code>
    /// Server("cp-1", "10.0.0.11").Config["node-taint"] = new[] { "CriticalAddonsOnly=true:NoExecute" };
    /// </code>
    /// </example>
    public PlaybookConfig Config { get; }

    /// <summary>
    /// A sysctl for this node only, over the cluster-wide and role values (booleans as 1/0).
    /// </summary>
    /// <example>
    /// <code>
    /// Server("cp-1", "10.0.0.11").Sysctl("vm.swappiness", 10);
    /// </code>
    /// </example>
    public NodeDeclaration Sysctl(string key, object value, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var at = _context.At(file, line);
        _sysctls[key] = SysctlValue.From(value, at);
        _context.Record(DeclarationSites.SysctlKey(_scope, key), at);
        return this;
    }

    /// <summary>How to reach this node; unset fields fall back to the cluster-wide <c>Ssh(...)</c>, then ssh_config.</summary>
    /// <example>
    /// <code>
    /// Agent("edge-1", "192.0.2.10").Ssh(user: "admin", port: 2222);
    /// </code>
    /// </example>
    public NodeDeclaration Ssh(
        string? user = null,
        int? port = null,
        string? key = null,
        [CallerFilePath] string file = "",
        [CallerLineNumber] int line = 0)
    {
        var at = _context.At(file, line);
        UseSsh(new SshSettings(user, port, key is null ? null : _context.ResolvePath(key, at)), at);
        return this;
    }

    /// <summary>Overlays <paramref name="settings"/>' set fields on this node's SSH settings.</summary>
    internal void UseSsh(SshSettings settings, SourceLocation at)
    {
        _ssh = settings.Over(_ssh);
        _context.Record(DeclarationSites.NodeSshKey(Name), at);
    }

    internal NodeSpec ToSpec() =>
        new(Name, Address, Role, _ssh, new Dictionary<string, string>(_sysctls, StringComparer.Ordinal),
            Config.Values.Copy(), DeclaredAt);
}
