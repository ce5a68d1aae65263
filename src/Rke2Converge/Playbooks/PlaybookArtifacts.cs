using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Rke2Converge.Model;

namespace Rke2Converge.Playbooks;

/// <summary>Where install artifacts come from: <c>Artifacts.FromDirectory("./artifacts")</c> or <c>Artifacts.FromMirror("https://...")</c>.</summary>
public sealed partial class PlaybookArtifacts
{
    private readonly PlaybookContext _context;

    internal PlaybookArtifacts(PlaybookContext context) => _context = context;

    private List<string> _images = [];
    private SourceLocation? _imagesAt;

    internal ArtifactSource? Source { get; private set; }

    /// <summary>A local directory with one sub-directory per version; a relative path is taken from the playbook's directory.</summary>
    /// <example>
    /// <code>
    /// Artifacts.FromDirectory("./artifacts");   // ./artifacts/v1.32.5+rke2r1/rke2.linux-amd64.tar.gz, ...
    /// </code>
    /// </example>
    public void FromDirectory(string path, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        Source = new ArtifactSource.LocalDirectory(_context.ResolvePath(path, _context.At(file, line)));
    }

    /// <summary>An HTTP(S) mirror laid out like the GitHub releases (BASE/VERSION/FILE).</summary>
    /// <example>
    /// <code>
    /// Artifacts.FromMirror("https://artifacts.example.com/rke2");
    /// </code>
    /// </example>
    public void FromMirror(string baseUrl, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new PlaybookException($"artifact mirror '{baseUrl}' is not an absolute http(s) URL", _context.At(file, line));
        }
        Source = new ArtifactSource.Mirror(uri);
    }

    /// <summary>
    /// Air-gapped nodes: the images tarballs of the release, pushed from the local artifact directory into
    /// <c>/var/lib/rancher/rke2/agent/images/</c> on every node before RKE2 starts, as the install script does with
    /// <c>INSTALL_RKE2_ARTIFACT_PATH</c>. Each name is an archive without its suffix: <c>rke2-images</c> (every image of
    /// the release, the default) or per component (<c>rke2-images-core</c>, <c>rke2-images-canal</c>, ...); the file
    /// is DIR/VERSION/NAME.linux-ARCH.tar.zst, or .tar.gz when no .tar.zst is there, for each node's architecture.
    /// </summary>
    /// <example>
    /// <code>
    /// Artifacts.FromDirectory("./artifacts");
    /// Artifacts.Images();                                          // rke2-images.linux-amd64.tar.zst
    /// Artifacts.Images(["rke2-images-core", "rke2-images-canal"]); // or per component
    /// </code>
    /// </example>
    public void Images(string[]? archives = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var at = _context.At(file, line);
        var names = archives is { Length: > 0 } ? archives : [DefaultImageArchive];
        foreach (var name in names)
        {
            if (!ArchiveName().IsMatch(name ?? ""))
            {
                throw new PlaybookException($"Artifacts.Images: '{name}' is not an images archive name (rke2-images or rke2-images-COMPONENT, without .linux-ARCH.tar.zst)", at);
            }
        }
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Length) throw new PlaybookException("Artifacts.Images: an archive is named twice", at);
        _images = [.. names];
        _imagesAt = at;
    }

    /// <summary>The full release's images tarball.</summary>
    internal const string DefaultImageArchive = "rke2-images";

    /// <summary>The declared images archives; refused unless the artifacts come from a local directory (pushed, not fetched).</summary>
    internal IReadOnlyList<string> CheckedImageArchives()
    {
        if (_images.Count > 0 && Source is not ArtifactSource.LocalDirectory)
        {
            throw new PlaybookException(
                Source is null
                    ? "Artifacts.Images needs Artifacts.FromDirectory(...): the images tarballs are pushed from a local directory"
                    : "Artifacts.Images works with Artifacts.FromDirectory(...) only: rke2c does not fetch images tarballs from a mirror yet",
                _imagesAt);
        }
        return _images;
    }

    [GeneratedRegex("^rke2-images(-[a-z0-9][a-z0-9-]*)?$")]
    private static partial Regex ArchiveName();
}
