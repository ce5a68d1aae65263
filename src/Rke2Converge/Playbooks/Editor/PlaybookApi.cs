using System.Runtime.CompilerServices;
using Rke2Converge.Model;
using Rke2Converge.Resources;

namespace Rke2Converge.Playbooks.Editor;

/// <summary>
/// The playbook language as static members, for editors. rke2c runs a playbook with <see cref="PlaybookGlobals"/> as
/// its host object, which an editor's script support (OmniSharp) cannot know about; a playbook that starts with
/// <c>#r ".rke2c/Rke2Converge.dll"</c> and <c>using static Rke2Converge.Playbooks.Editor.PlaybookApi;</c> type-checks
/// there against these members. Under rke2c the host object's members win over these, so both name the same calls.
/// Each member forwards to the playbook rke2c is running; a unit test keeps this list equal to the host object's.
/// Every member's documentation is the host object's, by <c>inheritdoc</c>: write a new member's documentation on
/// <see cref="PlaybookGlobals"/> (or <see cref="ResourceScope"/>) and add <c>/// &lt;inheritdoc cref="..."/&gt;</c> here.
/// </summary>
public static class PlaybookApi
{
    private static readonly AsyncLocal<PlaybookGlobals?> Running = new();

    private static PlaybookGlobals Current => Running.Value
        ?? throw new InvalidOperationException("the playbook language works only while rke2c runs a playbook");

    /// <inheritdoc cref="PlaybookGlobals.PlaybookDirectory"/>
    public static string PlaybookDirectory => Current.PlaybookDirectory;

    /// <inheritdoc cref="PlaybookGlobals.Config"/>
    public static PlaybookConfig Config => Current.Config;

    /// <inheritdoc cref="PlaybookGlobals.Secret"/>
    public static PlaybookSecrets Secret => Current.Secret;

    /// <inheritdoc cref="PlaybookGlobals.Artifacts"/>
    public static PlaybookArtifacts Artifacts => Current.Artifacts;

    /// <inheritdoc cref="PlaybookGlobals.Gates"/>
    public static PlaybookGates Gates => Current.Gates;

    /// <inheritdoc cref="PlaybookGlobals.ConfigDropIns"/>
    public static PlaybookConfigDropIns ConfigDropIns => Current.ConfigDropIns;

    /// <inheritdoc cref="PlaybookGlobals.Upgrade"/>
    public static PlaybookUpgrade Upgrade => Current.Upgrade;

    /// <inheritdoc cref="PlaybookGlobals.Inventory"/>
    public static Inventories.PlaybookInventory Inventory => Current.Inventory;

    /// <inheritdoc cref="PlaybookGlobals.Cluster"/>
    public static ClusterDeclaration Cluster(string name, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Current.Cluster(name, file, line);

    /// <inheritdoc cref="PlaybookGlobals.Sysctl"/>
    public static void Sysctl(string key, object value, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Current.Sysctl(key, value, file, line);

    /// <inheritdoc cref="PlaybookGlobals.Server(string, string, string, int)"/>
    public static NodeDeclaration Server(string name, string address, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Current.Server(name, address, file, line);

    /// <inheritdoc cref="PlaybookGlobals.Etcd(string, string, string, int)"/>
    public static NodeDeclaration Etcd(string name, string address, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Current.Etcd(name, address, file, line);

    /// <inheritdoc cref="PlaybookGlobals.ControlPlane(string, string, string, int)"/>
    public static NodeDeclaration ControlPlane(string name, string address, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Current.ControlPlane(name, address, file, line);

    /// <inheritdoc cref="PlaybookGlobals.Agent(string, string, string, int)"/>
    public static NodeDeclaration Agent(string name, string address, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Current.Agent(name, address, file, line);

    /// <inheritdoc cref="PlaybookGlobals.Server(Inventories.InventoryHost, string)"/>
    public static NodeDeclaration Server(Inventories.InventoryHost host, string? name = null) => Current.Server(host, name);

    /// <inheritdoc cref="PlaybookGlobals.Etcd(Inventories.InventoryHost, string)"/>
    public static NodeDeclaration Etcd(Inventories.InventoryHost host, string? name = null) => Current.Etcd(host, name);

    /// <inheritdoc cref="PlaybookGlobals.ControlPlane(Inventories.InventoryHost, string)"/>
    public static NodeDeclaration ControlPlane(Inventories.InventoryHost host, string? name = null) => Current.ControlPlane(host, name);

    /// <inheritdoc cref="PlaybookGlobals.Agent(Inventories.InventoryHost, string)"/>
    public static NodeDeclaration Agent(Inventories.InventoryHost host, string? name = null) => Current.Agent(host, name);

    /// <inheritdoc cref="PlaybookGlobals.Node"/>
    public static NodeDeclaration Node(string name, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Current.Node(name, file, line);

    /// <inheritdoc cref="PlaybookGlobals.Remove"/>
    public static void Remove(string name, string? address = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Current.Remove(name, address, file, line);

    /// <inheritdoc cref="PlaybookGlobals.Role"/>
    public static RoleDeclaration Role(NodeRole role) => Current.Role(role);

    /// <inheritdoc cref="PlaybookGlobals.JoinOrder"/>
    public static void JoinOrder(params string[] nodes) => Current.JoinOrder(nodes);

    /// <inheritdoc cref="PlaybookGlobals.Ssh"/>
    public static void Ssh(string? user = null, int? port = null, string? key = null, SshTransport? transport = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Current.Ssh(user, port, key, transport, file, line);

    /// <inheritdoc cref="PlaybookGlobals.KnownHosts"/>
    public static void KnownHosts(string path, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Current.KnownHosts(path, file, line);

    /// <inheritdoc cref="PlaybookGlobals.AgentBatch"/>
    public static void AgentBatch(int count, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Current.AgentBatch(count, file, line);

    /// <inheritdoc cref="PlaybookGlobals.AgentBatchPercent"/>
    public static void AgentBatchPercent(int percent, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Current.AgentBatchPercent(percent, file, line);

    /// <inheritdoc cref="PlaybookGlobals.KeepBackups"/>
    public static void KeepBackups(int count, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Current.KeepBackups(count, file, line);

    /// <inheritdoc cref="PlaybookGlobals.Env"/>
    public static string Env(string name, string? defaultValue = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Current.Env(name, defaultValue, file, line);

    /// <inheritdoc cref="ResourceScope.File"/>
    public static FileResource File(string path, object? content = null, string mode = "0644", string? owner = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Current.File(path, content, mode, owner, file, line);

    /// <inheritdoc cref="ResourceScope.Directory"/>
    public static DirectoryResource Directory(string path, string mode = "0755", string? owner = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Current.Directory(path, mode, owner, file, line);

    /// <inheritdoc cref="ResourceScope.Registries"/>
    public static RegistriesResource Registries([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Current.Registries(file, line);

    /// <inheritdoc cref="ResourceScope.Manifest"/>
    public static ManifestResource Manifest(string name, string yaml = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Current.Manifest(name, yaml, file, line);

    /// <inheritdoc cref="ResourceScope.EnvFile"/>
    public static EnvFileResource EnvFile([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Current.EnvFile(file, line);

    /// <inheritdoc cref="ResourceScope.SystemdDropIn"/>
    public static SystemdDropInResource SystemdDropIn(string name, string content = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Current.SystemdDropIn(name, content, file, line);

    /// <inheritdoc cref="ResourceScope.KernelModule"/>
    public static KernelModuleResource KernelModule(string name, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Current.KernelModule(name, file, line);

    /// <inheritdoc cref="ResourceScope.Package"/>
    public static PackageResource Package(string name, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Current.Package(name, file, line);

    /// <inheritdoc cref="ResourceScope.Command"/>
    public static CommandResource Command(string command, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Current.Command(command, name, file, line);

    /// <inheritdoc cref="ResourceScope.Reboot"/>
    public static PlaybookReboot Reboot => Current.Reboot;

    /// <summary>Makes <paramref name="globals"/> the playbook these members act on, for the calling flow.</summary>
    internal static void RunWith(PlaybookGlobals globals) => Running.Value = globals;
}
