using Rke2Converge.Model;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.Rollout.Phases;

/// <summary>Stages the release artifacts on the node (pushed or downloaded), verifies the checksum, unpacks, reloads units.</summary>
public sealed class InstallRke2Phase : INodePhase
{
    public string Title => "install rke2";

    public bool ShouldRun(NodeContext node) => node.Plan.Find<InstallChange>() is not null;

    public async Task RunAsync(NodeContext node, CancellationToken cancellationToken)
    {
        var change = node.Plan.Find<InstallChange>()!;
        var names = new[] { InstallOperations.TarballName(change.Arch), InstallOperations.ChecksumName(change.Arch) };
        switch (node.Settings.Artifacts)
        {
            case ArtifactSource.LocalDirectory local:
                foreach (var name in names)
                {
                    var path = ArtifactFiles.Locate(local, change.To, name);
                    var content = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
                    await node.ExecuteAsync(InstallOperations.Push(change.To, name, content), cancellationToken).ConfigureAwait(false);
                }
                break;
            case ArtifactSource.Mirror mirror:
                foreach (var name in names)
                {
                    await node.ExecuteAsync(InstallOperations.Fetch(change.To, mirror.BaseUrl, name), cancellationToken).ConfigureAwait(false);
                }
                break;
            default:
                throw new InvalidOperationException("no artifact source declared: use Artifacts.FromDirectory(...) or Artifacts.FromMirror(...)");
        }
        await node.ExecuteAsync(InstallOperations.VerifyAndUnpack(change.To, change.Arch), cancellationToken).ConfigureAwait(false);
    }
}
