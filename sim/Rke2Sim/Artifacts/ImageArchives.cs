using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using ZstdSharp;

namespace Rke2Sim.Artifacts;

/// <summary>
/// The air-gap images tarballs of a release, as upstream publishes them beside the release tarball:
/// <c>rke2-images.linux-ARCH.tar.zst</c> and <c>.tar.gz</c> (every image of the release) and the per-component
/// <c>rke2-images-core</c>, <c>rke2-images-canal</c>, ... (rancher/rke2 scripts/package-images, the install script's
/// <c>rke2-images-*</c> loop). Each is a <c>docker save</c> style archive: a <c>manifest.json</c> whose <c>RepoTags</c>
/// name the images (the layers are left out: nothing in the lab runs them). Reading follows rancher/wharfie
/// pkg/tarfile (FindImage), which rke2 pkg/bootstrap/bootstrap.go preloadBootstrapFromRuntime calls: the archives are
/// found by extension and decompressed by it.
/// </summary>
public static class ImageArchives
{
    /// <summary>The extensions wharfie's tarfile package reads (others in the directory are skipped).</summary>
    public static readonly IReadOnlyList<string> SupportedExtensions = [".tar", ".tar.lz4", ".tar.bz2", ".tbz", ".tar.gz", ".tgz", ".tar.zst", ".tzst"];

    private static readonly DateTimeOffset FixedTime = new(2025, 5, 15, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The runtime image rke2 extracts its binaries from (rke2 pkg/images: rancher/rke2-runtime, tagged with the version, '+' as '-').</summary>
    public static string RuntimeImage(string version) => $"index.docker.io/rancher/rke2-runtime:{version.Replace('+', '-')}";

    /// <summary>The images of each published archive (the component name, "" for the full one).</summary>
    public static IReadOnlyList<(string Component, IReadOnlyList<string> Images)> For(string version)
    {
        var tag = version.Replace('+', '-');
        string[] core =
        [
            RuntimeImage(version),
            $"index.docker.io/rancher/hardened-kubernetes:{tag}",
            $"index.docker.io/rancher/hardened-etcd:{tag}",
            "index.docker.io/rancher/mirrored-pause:3.6",
        ];
        string[] canal = ["index.docker.io/rancher/hardened-calico:v3.29.3-build20250506", "index.docker.io/rancher/hardened-flannel:v0.26.7-build20250505"];
        return [("", [.. core, .. canal]), ("core", core), ("canal", canal)];
    }

    /// <summary>The archive's file name: rke2-images[-COMPONENT].linux-ARCH.tar.EXT.</summary>
    public static string FileName(string component, string arch, string extension) =>
        $"rke2-images{(component.Length == 0 ? "" : "-" + component)}.linux-{arch}{extension}";

    /// <summary>A deterministic archive holding a manifest.json that names the images, compressed as the extension says (.tar.gz or .tar.zst).</summary>
    public static byte[] Build(IReadOnlyList<string> images, string extension)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Gnu, leaveOpen: true))
        {
            var manifest = JsonSerializer.Serialize(new[] { new { Config = "config.json", RepoTags = images, Layers = Array.Empty<string>() } });
            var entry = new GnuTarEntry(TarEntryType.RegularFile, "manifest.json")
            {
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                ModificationTime = FixedTime,
                AccessTime = FixedTime,
                ChangeTime = FixedTime,
                DataStream = new MemoryStream(Encoding.UTF8.GetBytes(manifest)),
            };
            writer.WriteEntry(entry);
        }
        var plain = tar.ToArray();
        return extension switch
        {
            ".tar.gz" => Gzip(plain),
            ".tar.zst" => new Compressor(level: 3).Wrap(plain).ToArray(),
            _ => throw new ArgumentException($"unsupported extension {extension}", nameof(extension)),
        };
    }

    private static byte[] Gzip(byte[] plain)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true)) gzip.Write(plain);
        return output.ToArray();
    }

    /// <summary>Whether wharfie would look at the file (by extension).</summary>
    public static bool IsSupported(string fileName) => SupportedExtensions.Any(extension => fileName.EndsWith(extension, StringComparison.Ordinal));

    /// <summary>
    /// The image names an archive holds, read as wharfie reads it: decompressed by its extension, then the tar's
    /// manifest.json. Throws <see cref="InvalidDataException"/> for an archive that does not decompress or holds no manifest.
    /// </summary>
    public static IReadOnlyList<string> ImagesIn(string path)
    {
        using var file = File.OpenRead(path);
        using var tar = Decompressed(file, Path.GetFileName(path));
        try
        {
            using var reader = new TarReader(tar);
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.Name != "manifest.json" || entry.DataStream is null) continue;
                using var manifest = JsonDocument.Parse(entry.DataStream);
                return [.. manifest.RootElement.EnumerateArray()
                    .SelectMany(image => image.TryGetProperty("RepoTags", out var tags) ? tags.EnumerateArray().Select(tag => Normalize(tag.GetString() ?? "")) : [])];
            }
        }
        catch (Exception error) when (error is InvalidDataException or JsonException or IOException or InvalidOperationException or FormatException or ZstdException)
        {
            throw new InvalidDataException(error.Message, error);
        }
        throw new InvalidDataException("no manifest.json in archive");
    }

    private static Stream Decompressed(Stream file, string name)
    {
        if (name.EndsWith(".tar.gz", StringComparison.Ordinal) || name.EndsWith(".tgz", StringComparison.Ordinal)) return new GZipStream(file, CompressionMode.Decompress);
        if (name.EndsWith(".tar.zst", StringComparison.Ordinal) || name.EndsWith(".tzst", StringComparison.Ordinal)) return new DecompressionStream(file);
        if (name.EndsWith(".tar", StringComparison.Ordinal)) return file;
        // lz4 and bzip2 are real formats upstream reads; the lab never builds them.
        throw new InvalidDataException($"the simulator does not read {name}'s compression");
    }

    /// <summary>A reference as go-containerregistry names it: docker.io (or none) becomes index.docker.io, a bare tag keeps its name.</summary>
    public static string Normalize(string reference)
    {
        if (reference.StartsWith("docker.io/", StringComparison.Ordinal)) return "index.docker.io/" + reference["docker.io/".Length..];
        var first = reference.Split('/')[0];
        return first.Contains('.') || first.Contains(':') || first == "localhost" ? reference : "index.docker.io/" + reference;
    }
}
