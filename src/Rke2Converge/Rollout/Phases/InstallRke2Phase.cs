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
                    // Read when the step runs: the tarball is large and only apply needs it.
                    yield return new RolloutStep(Title, new PlannedStep(StepKind.Install, $"push {name}", $"{staging}/{name}"), async (node, token) =>
                    {
                        var content = await File.ReadAllBytesAsync(ArtifactFiles.Locate(local, change.To, name), token).ConfigureAwait(false);
                        await node.ExecuteAsync(InstallOperations.Push(change.To, name, content), token).ConfigureAwait(false);
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
}
