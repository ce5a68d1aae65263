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

    /// <summary>A file with this content (a string or a Secret); mode as octal text; owner as <c>user</c> or <c>user:group</c>.</summary>
    public FileResource File(string path, object? content = null, string mode = "0644", string? owner = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Declare(new FileResource(path, content, mode, owner), file, line);

    public DirectoryResource Directory(string path, string mode = "0755", string? owner = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Declare(new DirectoryResource(path, mode, owner), file, line);

    /// <summary>/etc/rancher/rke2/registries.yaml; add <c>.Mirror(...)</c> and <c>.Config(...)</c>.</summary>
    public RegistriesResource Registries([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Declare(new RegistriesResource(), file, line);

    /// <summary>A manifest in /var/lib/rancher/rke2/server/manifests (servers only), such as a HelmChartConfig.</summary>
    public ManifestResource Manifest(string name, string yaml = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Declare(new ManifestResource(name, yaml), file, line);

    /// <summary>/etc/default/rke2-server or rke2-agent (by role); add variables with <c>.Set(name, value)</c>.</summary>
    public EnvFileResource EnvFile([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Declare(new EnvFileResource(), file, line);

    /// <summary>A drop-in for the node's RKE2 unit, such as <c>[Service]\nLimitNOFILE=1048576</c>.</summary>
    public SystemdDropInResource SystemdDropIn(string name, string content = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Declare(new SystemdDropInResource(name, content), file, line);

    public KernelModuleResource KernelModule(string name, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Declare(new KernelModuleResource(name), file, line);

    public PackageResource Package(string name, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Declare(new PackageResource(name), file, line);

    /// <summary>A shell command guarded by <c>.Unless(check)</c> or <c>.Creates(path)</c>; <paramref name="name"/> defaults to the command.</summary>
    public CommandResource Command(string command, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Declare(new CommandResource(name ?? command, command), file, line);

    private T Declare<T>(T resource, string file, int line) where T : Resource
    {
        resource.DeclaredAt = _context.At(file, line);
        _declared.Add(new ScopedResource(resource, _scope, _role, _node));
        return resource;
    }
}
