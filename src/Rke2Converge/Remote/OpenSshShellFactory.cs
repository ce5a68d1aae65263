using System.Collections.Concurrent;
using System.ComponentModel;
using Rke2Converge.Model;

namespace Rke2Converge.Remote;

/// <summary>Opens <see cref="OpenSshShell"/>s and remembers their targets so their master connections can be closed.</summary>
internal sealed class OpenSshShellFactory(OpenSshOptions? options = null) : IRemoteShellFactory
{
    private volatile bool _controlDirectoryChecked;

    private readonly ConcurrentDictionary<SshTarget, SshCommandLine> _opened = new();

    public OpenSshOptions Options { get; } = options ?? new OpenSshOptions();

    public IRemoteShell Open(NodeSpec node, SshSettings defaults, string? knownHostsFile)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(defaults);
        EnsureControlDirectory();
        var target = new SshTarget(node.Name, node.Address, node.Ssh.Over(defaults), knownHostsFile);
        return new OpenSshShell(_opened.GetOrAdd(target, t => new SshCommandLine(t, Options)));
    }

    /// <summary>
    /// Asks the master of every target opened here to exit. Normal runs leave masters up (ControlPersist ends
    /// them); labs and tests call this to leave no ssh processes behind. Targets without a master are skipped.
    /// </summary>
    public async Task CloseMastersAsync(CancellationToken cancellationToken = default)
    {
        var closing = _opened.Values.Select(async commandLine =>
        {
            try
            {
                await ChildProcess.RunAsync(
                    Options.SshExecutable, commandLine.ForControl("exit"), stdin: null,
                    TimeSpan.FromSeconds(15), cancellationToken).ConfigureAwait(false);
            }
            catch (Win32Exception)
            {
                // No ssh client: then there is no master either.
            }
        });
        await Task.WhenAll(closing).ConfigureAwait(false);
    }

    /// <summary>Checked once per factory: master sockets must not be reachable by other users (see <see cref="ControlDirectory"/>).</summary>
    private void EnsureControlDirectory()
    {
        if (_controlDirectoryChecked) return;
        ControlDirectory.Ensure(Options.ControlDirectory);
        _controlDirectoryChecked = true;
    }
}
