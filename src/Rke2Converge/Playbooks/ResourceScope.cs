using System.Runtime.CompilerServices;
using Rke2Converge.Model;
using Rke2Converge.Resources;

namespace Rke2Converge.Playbooks;

/// <summary>
/// The resource part of the playbook language, the same at every scope: top level (all nodes), <c>Role(...)</c> and
/// a node. Each call declares one resource and returns it for further settings (<c>.Absent()</c>, <c>.Mirror(...)</c>).
/// </summary>
public abstract class ResourceScope
{
    private readonly PlaybookContext _context;
    private readonly SettingScope _scope;
    private readonly NodeRole? _role;
    private readonly string? _node;
    private readonly List<ScopedResource> _declared = [];

    private protected ResourceScope(PlaybookContext context, SettingScope scope, NodeRole? role, string? node)
    {
        _context = context;
        _scope = scope;
        _role = role;
        _node = node;
    }

    internal IReadOnlyList<ScopedResource> DeclaredResources => _declared;

    /// <summary>
    /// A file on the node with this content (a string or a <see cref="SecretSource"/>, compared by SHA-256); mode as
    /// octal text (default <c>0644</c>); owner as <c>user</c> or <c>user:group</c> (default: left as it is, root for a new
    /// file). Returns the resource for <see cref="FileResource.Absent"/>, <see cref="FileResource.Sensitive"/> and
    /// <see cref="FileResource.Restarts"/>.
    /// </summary>
    /// <example>
    /// <code>
    /// File("/etc/rancher/rke2/audit-policy.yaml", System.IO.File.ReadAllText("audit-policy.yaml"), mode: "0600");
    /// </code>
    /// </example>
    public FileResource File(string path, object? content = null, string mode = "0644", string? owner = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Declare(new FileResource(path, content, mode, owner), file, line);

    /// <summary>
    /// A directory on the node with this mode (default <c>0755</c>) and owner (default: left as it is); parents are
    /// created as needed. <see cref="DirectoryResource.Absent"/> removes it instead.
    /// </summary>
    /// <example>
    /// <code>
    /// Directory("/var/lib/rancher/rke2/agent/images", mode: "0700");
    /// </code>
    /// </example>
    public DirectoryResource Directory(string path, string mode = "0755", string? owner = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Declare(new DirectoryResource(path, mode, owner), file, line);

    /// <summary>/etc/rancher/rke2/registries.yaml; add <c>.Mirror(...)</c> and <c>.Config(...)</c>.</summary>
    /// <example>
    /// <code>
    /// Registries()
    ///     .Mirror("docker.io", new[] { "https://mirror.example.com" })
    ///     .Config("mirror.example.com", username: "pull", password: Secret.FromEnv("MIRROR_PASSWORD"));
    /// </code>
    /// </example>
    public RegistriesResource Registries([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Declare(new RegistriesResource(), file, line);

    /// <summary>A manifest in /var/lib/rancher/rke2/server/manifests (servers only), such as a HelmChartConfig.</summary>
    /// <example>
    /// <code>
    /// Manifest("rke2-canal-config.yaml", """
    ///     apiVersion: helm.cattle.io/v1
    ///     kind: HelmChartConfig
    ///     metadata: { name: rke2-canal, namespace: kube-system }
    ///     """);
    /// </code>
    /// </example>
    public ManifestResource Manifest(string name, string yaml = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Declare(new ManifestResource(name, yaml), file, line);

    /// <summary>/etc/default/rke2-server or rke2-agent (by role); add variables with <c>.Set(name, value)</c>.</summary>
    /// <example>
    /// <code>
    /// EnvFile().Set("HTTP_PROXY", "http://proxy:3128").Set("NO_PROXY", "10.0.0.0/8");
    /// </code>
    /// </example>
    public EnvFileResource EnvFile([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Declare(new EnvFileResource(), file, line);

    /// <summary>A drop-in for the node's RKE2 unit, such as <c>[Service]\nLimitNOFILE=1048576</c>.</summary>
    /// <example>
    /// <code>
    /// SystemdDropIn("limits", "[Service]\nLimitNOFILE=1048576\n");
    /// </code>
    /// </example>
    public SystemdDropInResource SystemdDropIn(string name, string content = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Declare(new SystemdDropInResource(name, content), file, line);

    /// <summary>
    /// A kernel module loaded now and at every boot (see <see cref="KernelModuleResource"/>); <paramref name="name"/> as
    /// <c>modprobe</c> takes it.
    /// </summary>
    /// <example>
    /// <code>
    /// KernelModule("br_netfilter");
    /// </code>
    /// </example>
    public KernelModuleResource KernelModule(string name, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Declare(new KernelModuleResource(name), file, line);

    /// <summary>
    /// An OS package installed through the host's package manager (apt, dnf or zypper, from the OS the facts report);
    /// <see cref="PackageResource.Absent"/> removes it instead.
    /// </summary>
    /// <example>
    /// <code>
    /// Package("open-iscsi");
    /// </code>
    /// </example>
    public PackageResource Package(string name, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Declare(new PackageResource(name), file, line);

    /// <summary>A shell command guarded by <c>.Unless(check)</c> or <c>.Creates(path)</c>; <paramref name="name"/> defaults to the command.</summary>
    /// <example>
    /// <code>
    /// Command("systemctl enable --now iscsid", name: "iscsid").Unless("systemctl is-enabled iscsid");
    /// </code>
    /// </example>
    public CommandResource Command(string command, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Declare(new CommandResource(name ?? command, command), file, line);

    /// <summary>Reboots of the node this scope asks for (<see cref="PlaybookReboot.When"/>).</summary>
    /// <example>
    /// <code>
    /// Reboot.When("/var/run/reboot-required");
    /// </code>
    /// </example>
    public PlaybookReboot Reboot => new(Declare);

    private T Declare<T>(T resource, string file, int line) where T : Resource
    {
        resource.DeclaredAt = _context.At(file, line);
        _declared.Add(new ScopedResource(resource, _scope, _role, _node));
        return resource;
    }
}
