namespace Rke2Converge.Model;

/// <summary>How rke2c reaches hosts; a playbook picks one with <c>Ssh(transport: SshTransport.SshNet)</c>.</summary>
public enum SshTransport
{
    /// <summary>The system ssh client, multiplexed: the user's ssh_config, agent, ProxyJump and known_hosts apply.</summary>
    OpenSsh,

    /// <summary>In-process SSH.NET: no ssh client needed; reads ~/.ssh/config (HostName, User, Port, IdentityFile, one ProxyJump hop), no agent.</summary>
    SshNet,
}

/// <summary>Which transport a run uses.</summary>
internal static class SshTransportChoice
{
    /// <summary>An explicit <c>--transport</c> wins over the playbook's <c>Ssh(transport: ...)</c>; OpenSSH when neither says.</summary>
    public static SshTransport Resolve(SshTransport? commandLine, SshTransport? playbook) =>
        commandLine ?? playbook ?? SshTransport.OpenSsh;
}
