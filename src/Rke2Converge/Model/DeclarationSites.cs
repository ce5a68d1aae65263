namespace Rke2Converge.Model;

/// <summary>
/// Where the playbook declared each cluster setting, sysctl and config key, so that validation errors can point
/// at the line. A model built in code (not from a playbook) simply has none.
/// </summary>
internal sealed class DeclarationSites
{
    private readonly IReadOnlyDictionary<string, SourceLocation> _sites;

    public DeclarationSites(IReadOnlyDictionary<string, SourceLocation> sites) => _sites = sites;

    public static DeclarationSites Empty { get; } = new(new Dictionary<string, SourceLocation>());

    public SourceLocation? Cluster => Find(ClusterKey);

    public SourceLocation? Version => Find(VersionKey);

    public SourceLocation? Token => Find(TokenKey);

    public SourceLocation? SshDefaults => Find(SshDefaultsKey);

    public SourceLocation? RegistrationAddress => Find(RegistrationAddressKey);

    public SourceLocation? KnownHosts => Find(KnownHostsKey);

    /// <summary>The last <c>Node(...).Ssh(...)</c> call for a node.</summary>
    public SourceLocation? NodeSsh(string node) => Find(NodeSshKey(node));

    public SourceLocation? Sysctl(SettingScope scope, string key) => Find(SysctlKey(scope, key));

    public SourceLocation? Config(SettingScope scope, string key) => Find(ConfigKey(scope, key));

    public const string ClusterKey = "cluster";
    public const string VersionKey = "version";
    public const string TokenKey = "token";
    public const string SshDefaultsKey = "ssh";
    public const string RegistrationAddressKey = "registration-address";

    public const string KnownHostsKey = "known-hosts";

    public static string NodeSshKey(string node) => $"ssh|node:{node}";

    public static string SysctlKey(SettingScope scope, string key) => $"sysctl|{scope.Id}|{key}";

    public static string ConfigKey(SettingScope scope, string key) => $"config|{scope.Id}|{key}";

    private SourceLocation? Find(string key) => _sites.TryGetValue(key, out var site) ? site : null;
}
