using Rke2Converge.Model;

namespace Rke2Converge.Rollout;

/// <summary>Finds release files in a local artifact directory laid out as DIR/VERSION/FILE.</summary>
internal static class ArtifactFiles
{
    public static string PathOf(ArtifactSource.LocalDirectory source, Rke2Version version, string fileName) =>
        Path.Combine(Path.GetFullPath(source.Path), version.ToString(), fileName);

    public static string Locate(ArtifactSource.LocalDirectory source, Rke2Version version, string fileName)
    {
        var path = PathOf(source, version, fileName);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"artifact {fileName} for {version} not found: expected {path}", path);
    }
}
