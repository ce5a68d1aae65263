namespace Rke2Converge.Model;

/// <summary>How to reach a node over SSH. Null fields fall back to the user's ssh_config.</summary>
internal sealed record SshSettings(string? User = null, int? Port = null, string? IdentityFile = null)
{
    /// <summary>Fields set here win over <paramref name="defaults"/>.</summary>
    public SshSettings Over(SshSettings defaults) =>
        new(User ?? defaults.User, Port ?? defaults.Port, IdentityFile ?? defaults.IdentityFile);
}

/// <summary>One node as the playbook declares it: its own sysctls and config, before cluster-wide values are merged in.</summary>
internal sealed record NodeSpec(
    string Name,
    string Address,
    NodeRole Role,
    SshSettings Ssh,
    IReadOnlyDictionary<string, string> Sysctls,
    ConfigMap Config,
    SourceLocation? DeclaredAt);
