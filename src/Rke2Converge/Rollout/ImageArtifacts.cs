using System.Collections.Concurrent;
using System.Security.Cryptography;
using Rke2Converge.Model;
using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.Rollout;

/// <summary>
/// Finds an air-gap images tarball in the local artifact directory: DIR/VERSION/NAME.linux-ARCH.tar.zst, else
/// .tar.gz (the install script's order), with the SHA-256 that DIR/VERSION/sha256sum-ARCH.txt lists for it, or the
/// file's own when the checksum file does not list it (<see cref="ArtifactCheck"/> compares the two before any host changes).
/// </summary>
internal static class ImageArtifacts
{
    /// <summary>The compressions RKE2 reads from agent/images that upstream publishes, in the order the install script prefers them.</summary>
    public static readonly IReadOnlyList<string> Extensions = [".tar.zst", ".tar.gz"];

    private static readonly ConcurrentDictionary<(string Path, long Length, DateTime Modified), string> Hashes = new();

    /// <summary>One tarball found locally: its file name on the node, where it is here, its SHA-256 (listed, else computed) and size.</summary>
    public sealed record LocalImage(string FileName, string Path, string Sha256, long Bytes, bool Listed);

    public static string FileName(string archive, string arch, string extension) => $"{archive}.linux-{arch}{extension}";

    /// <summary>The tarball for this archive, version and architecture, or a problem naming the files looked for.</summary>
    public static (LocalImage? Image, string? Problem) Find(ArtifactSource.LocalDirectory source, Rke2Version version, string arch, string archive)
    {
        var candidates = Extensions.Select(extension => FileName(archive, arch, extension)).ToList();
        var found = candidates.FirstOrDefault(name => File.Exists(ArtifactFiles.PathOf(source, version, name)));
        if (found is null)
        {
            var directory = Path.GetDirectoryName(ArtifactFiles.PathOf(source, version, candidates[0]));
            return (null, $"Artifacts.Images: {string.Join(" or ", candidates)} not found in {directory} (the images tarball \"{archive}\" for {version}, {arch})");
        }
        var path = ArtifactFiles.PathOf(source, version, found);
        var sums = ArtifactFiles.PathOf(source, version, InstallOperations.ChecksumName(arch));
        var listed = File.Exists(sums) ? ArtifactCheck.ListedChecksum(File.ReadAllText(sums), found)?.ToLowerInvariant() : null;
        return (new LocalImage(found, path, listed ?? Sha256Of(path), new FileInfo(path).Length, listed is not null), null);
    }

    /// <summary>The file's SHA-256, computed once per path, size and modification time in this process (a tarball is large).</summary>
    public static string Sha256Of(string path)
    {
        var info = new FileInfo(path);
        return Hashes.GetOrAdd((info.FullName, info.Length, info.LastWriteTimeUtc), _ =>
        {
            using var stream = File.OpenRead(path);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        });
    }
}
