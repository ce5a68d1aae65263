namespace Rke2Converge.Cli.Commands;

/// <summary>How rke2c reaches hosts.</summary>
public enum Transport
{
    /// <summary>The system ssh client, multiplexed: the user's ssh_config, agent, ProxyJump and known_hosts apply.</summary>
    OpenSsh,

    /// <summary>In-process SSH.NET: no ssh client needed; reads ~/.ssh/config (HostName, User, Port, IdentityFile, one ProxyJump hop), no agent.</summary>
    SshNet,
}
