using System.Security.Cryptography;
using Rke2Converge.Model;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Plan.Steps;
using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.Rollout.Phases;

/// <summary>Stages the release artifacts on the node (pushed or downloaded), verifies the checksum, unpacks, reloads units.</summary>
public sealed class InstallRke2Phase : INodePhase
{
    public string Title => "install rke2";

    public IEnumerable<RolloutStep> Steps(StepContext context)
    {
        if (context.Host.Find<InstallChange>() is not { } change) yield break;
        var names = new[] { InstallOperations.TarballName(change.Arch), InstallOperations.ChecksumName(change.Arch) };
        var staging = InstallOperations.StagingFor(change.To);
        switch (context.Artifacts)
        {
            case ArtifactSource.LocalDirectory local:
                foreach (var name in names)
                {
                    // Located when the step runs (only apply needs the file), and streamed: the tarball is large.
                    yield return new RolloutStep(Title, new PlannedStep(StepKind.Install, $"push {name}", $"{staging}/{name}"), async (node, token) =>
                    {
                        var file = ArtifactFiles.Locate(local, change.To, name);
                        if (name == names[0] && await AlreadyStagedAsync(node, change.To, name, file, token).ConfigureAwait(false)) return;
                        await node.ExecuteAsync(InstallOperations.Push(change.To, name, file), token).ConfigureAwait(false);
                    });
                }
                break;
            case ArtifactSource.Mirror mirror:
                foreach (var name in names)
                {
                    yield return RolloutStep.Run(Title, StepKind.Install, InstallOperations.Fetch(change.To, mirror.BaseUrl, name), $"{staging}/{name}");
                }
                break;
            default:
                yield return new RolloutStep(Title, new PlannedStep(StepKind.Install, "stage the release artifacts", staging),
                    (_, _) => throw new InvalidOperationException("no artifact source declared: use Artifacts.FromDirectory(...) or Artifacts.FromMirror(...)"));
                yield break;
        }
        yield return RolloutStep.Run(Title, StepKind.Install, InstallOperations.VerifyAndUnpack(change.To, change.Arch), Rke2Paths.InstallPrefix);
    }

    /// <summary>
    /// The tarball is not sent again when the node already holds it with the same SHA-256 (left by a run that stopped
    /// later). A read, so it runs only for real: a dry run shows the push.
    /// </summary>
    private static async Task<bool> AlreadyStagedAsync(NodeContext node, Rke2Version version, string name, string file, CancellationToken token)
    {
        if (node.Settings.Executor.IsDryRun) return false;
        string sha256;
        await using (var stream = File.OpenRead(file))
        {
            sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, token).ConfigureAwait(false));
        }
        var staged = await node.Shell.RunAsync(InstallOperations.IsStaged(version, name, sha256), token).ConfigureAwait(false);
        if (staged.ExitCode != 0) return false;
        node.Settings.Log.Information("{Node}: {File} is already staged with SHA-256 {Sha256}; not sent again", node.Node, name, sha256);
        return true;
    }
}
