using Rke2Converge.Model;

namespace Rke2Converge.Remote.SshNet;

/// <summary>Opens <see cref="SshNetShell"/>s: one in-process SSH connection per node, opened on first use.</summary>
public sealed class SshNetShellFactory(SshNetOptions? options = null) : IRemoteShellFactory
{
    public SshNetOptions Options { get; } = options ?? new SshNetOptions();

    public IRemoteShell Open(NodeSpec node, SshSettings defaults, string? knownHostsFile)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(defaults);
        var target = new SshTarget(node.Name, node.Address, node.Ssh.Over(defaults), knownHostsFile);
        return new SshNetShell(target, Options);
    }
}
