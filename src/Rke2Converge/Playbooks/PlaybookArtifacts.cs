using System.Runtime.CompilerServices;
using Rke2Converge.Model;

namespace Rke2Converge.Playbooks;

/// <summary>Where install artifacts come from: <c>Artifacts.FromDirectory("./artifacts")</c> or <c>Artifacts.FromMirror("https://...")</c>.</summary>
public sealed class PlaybookArtifacts
{
    private readonly PlaybookContext _context;

    internal PlaybookArtifacts(PlaybookContext context) => _context = context;

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
}
