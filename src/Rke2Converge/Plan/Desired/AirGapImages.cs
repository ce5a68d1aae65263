using Rke2Converge.Model;

namespace Rke2Converge.Plan.Desired;

/// <summary>The images tarballs a node stages before RKE2 starts: archive names, found in the local artifact directory per version and architecture.</summary>
internal sealed record AirGapImages(ArtifactSource.LocalDirectory Source, IReadOnlyList<string> Archives)
{
    /// <summary>The model's declaration, or null when the playbook stages no images (the playbook refuses them without a local directory).</summary>
    public static AirGapImages? For(ClusterModel model) =>
        model.ImageArchives.Count > 0 && model.Artifacts is ArtifactSource.LocalDirectory local ? new AirGapImages(local, model.ImageArchives) : null;
}
