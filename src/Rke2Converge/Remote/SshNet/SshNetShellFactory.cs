using Rke2Converge.Model;

namespace Rke2Converge.Remote.SshNet;

/// <summary>Opens <see cref="SshNetShell"/>s: one in-process SSH connection per node, opened on first use.</summary>
internal sealed class SshNetShellFactory : IRemoteShellFactory
{
    private readonly Lazy<SshConfigFile> _config;

    public SshNetShellFactory(SshNetOptions? options = null)
    {
        Options = options ?? new SshNetOptions();
        var path = SshNetShell.ConfigPath(Options);
        _config = new Lazy<SshConfigFile>(() => SshConfigFile.Load(path));
    }

    public SshNetOptions Options { get; }

    public IRemoteShell Open(NodeSpec node, SshSettings defaults, string? knownHostsFile)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(defaults);
        var target = new SshTarget(node.Name, node.Address, node.Ssh.Over(defaults), knownHostsFile);
        return new SshNetShell(target, Options, _config);
    }
}
