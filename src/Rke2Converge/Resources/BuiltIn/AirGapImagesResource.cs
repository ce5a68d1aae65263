using Rke2Converge.Facts;
using Rke2Converge.Model;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Plan.Steps;
using Rke2Converge.Remote;
using Rke2Converge.Rollout;
using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.Resources.BuiltIn;

/// <summary>
/// The air-gap images tarballs (<c>Artifacts.Images(...)</c>) in <see cref="Rke2Paths.AgentImagesDirectory"/>, where
/// RKE2 looks for its runtime image before pulling it (rancher/rke2 pkg/bootstrap/bootstrap.go Stage) and which it
/// imports into containerd at start. Read as the SHA-256 of each <c>rke2-images*</c> file there; a tarball missing or
/// holding other bytes than the local artifact directory's is pushed before the service starts (after the install).
/// </summary>
internal sealed class AirGapImagesResource : BuiltInResource
{
    public override string Title => "stage images";

    // Regular files only (a link is left alone and reported as missing, so the push refuses it by name).
    internal override string FactFragment => $$"""
        for f in {{ShellQuote.Quote(Rke2Paths.AgentImagesDirectory)}}/rke2-images*; do
          if [ -f "$f" ] && [ ! -L "$f" ]; then
            printf 'airgap-image %s %s\n' "$(b64 "${f##*/}")" "$(sha256sum "$f" | cut -d ' ' -f 1)"
          fi
        done

        """;

    public override IReadOnlyList<FactTag> Records { get; } = [new("airgap-image", FactOccurrence.Many)];

    public override HostFacts Read(HostFacts facts, IReadOnlyList<FactRecord> records)
    {
        var staged = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var record in records) staged[record.Expect(2).Text(1)] = record.Raw(2).ToLowerInvariant();
        return facts with { StagedImages = staged };
    }

    internal override IEnumerable<Change> Diff(BuiltInPlanContext context)
    {
        if (context.Node.Images is not { } images) yield break;
        foreach (var archive in images.Archives)
        {
            var (image, problem) = ImageArtifacts.Find(images.Source, context.Node.Version, context.Facts.Arch, archive);
            if (image is null)
            {
                context.Problem(problem!);
                continue;
            }
            var staged = context.Facts.StagedImages.GetValueOrDefault(image.FileName);
            if (staged == image.Sha256) continue;
            yield return new AirGapImageChange(image.FileName, staged, image.Sha256, image.Bytes);
        }
    }

    public override IEnumerable<RolloutStep> Steps(StepContext context)
    {
        if (context.Host.Desired.Images is not { } images) yield break;
        foreach (var change in context.Host.Changes.OfType<AirGapImageChange>())
        {
            var target = $"{Rke2Paths.AgentImagesDirectory}/{change.File}";
            var planned = new PlannedStep(StepKind.Install, $"stage {change.File}", target, change.Sha256);
            var file = ArtifactFiles.PathOf(images.Source, context.Host.Desired.Version, change.File);
            if (!File.Exists(file))
            {
                yield return new RolloutStep(Title, planned, (_, _) => Task.FromException(new FileNotFoundException($"images tarball {change.File} for {context.Host.Desired.Version} not found: expected {file}", file)));
                continue;
            }
            var stage = ImageOperations.Stage(change.File, file, change.Sha256);
            yield return new RolloutStep(Title, planned, (node, token) => node.ExecuteAsync(stage, token)) { Sends = [stage] };
        }
    }
}
