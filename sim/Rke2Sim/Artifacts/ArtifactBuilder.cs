using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Rke2Sim.Artifacts;

/// <summary>
/// Builds the air-gap artifacts of a release: <c>rke2.linux-amd64.tar.gz</c>, the images tarballs
/// (<c>rke2-images.linux-amd64.tar.zst</c> and <c>.tar.gz</c>, <c>rke2-images-core</c> and <c>rke2-images-canal</c>
/// as <c>.tar.zst</c>; see <see cref="ImageArchives"/>) and <c>sha256sum-amd64.txt</c> listing them all, as upstream's does.
/// Output is byte-for-byte deterministic (fixed mtimes and owners) so checksums are stable per build.
/// </summary>
public static class ArtifactBuilder
{
    public const string TarballName = "rke2.linux-amd64.tar.gz";
    public const string ChecksumName = "sha256sum-amd64.txt";

    private static readonly DateTimeOffset FixedTime = new(2025, 5, 15, 0, 0, 0, TimeSpan.Zero);

    private const UnixFileMode DirectoryMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    public static string Build(string outDirectory, string version)
    {
        var directory = Path.Join(outDirectory, version);
        Directory.CreateDirectory(directory);
        var tarball = Path.Join(directory, TarballName);
        var bytes = BuildTarball(version);
        File.WriteAllBytes(tarball, bytes);
        var sums = new System.Text.StringBuilder(ChecksumLine(bytes, TarballName));
        foreach (var (component, images) in ImageArchives.For(version))
        {
            foreach (var extension in component.Length == 0 ? new[] { ".tar.zst", ".tar.gz" } : [".tar.zst"])
            {
                var name = ImageArchives.FileName(component, "amd64", extension);
                var archive = ImageArchives.Build(images, extension);
                File.WriteAllBytes(Path.Join(directory, name), archive);
                sums.Append(ChecksumLine(archive, name));
            }
        }
        File.WriteAllText(Path.Join(directory, ChecksumName), sums.ToString());
        return directory;
    }

    /// <summary>A line in <c>sha256sum</c> format: hex digest, two spaces, file name.</summary>
    public static string ChecksumLine(byte[] content, string name) =>
        $"{Convert.ToHexStringLower(SHA256.HashData(content))}  {name}\n";

    public static byte[] BuildTarball(string version)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Gnu, leaveOpen: true))
        {
            var files = BundleFiles.For(version);
            var directories = files
                .SelectMany(f => Ancestors(f.Path))
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal);
            foreach (var dir in directories)
            {
                tar.WriteEntry(Stamp(new GnuTarEntry(TarEntryType.Directory, dir + "/"), DirectoryMode));
            }
            foreach (var file in files)
            {
                var entry = Stamp(new GnuTarEntry(TarEntryType.RegularFile, file.Path), file.Mode);
                entry.DataStream = new MemoryStream(Encoding.UTF8.GetBytes(file.Content));
                tar.WriteEntry(entry);
            }
        }
        return output.ToArray();
    }

    private static GnuTarEntry Stamp(GnuTarEntry entry, UnixFileMode mode)
    {
        entry.Mode = mode;
        entry.ModificationTime = FixedTime;
        entry.AccessTime = FixedTime;
        entry.ChangeTime = FixedTime;
        entry.Uid = 0;
        entry.Gid = 0;
        entry.UserName = "root";
        entry.GroupName = "root";
        return entry;
    }

    private static IEnumerable<string> Ancestors(string path)
    {
        var parts = path.Split('/');
        for (var i = 1; i < parts.Length; i++) yield return string.Join('/', parts[..i]);
    }
}
