using Rke2Converge.Model;

namespace Rke2Converge.Playbooks;

/// <summary>What every part of the playbook language shares: where the playbook lives and where things were declared.</summary>
internal sealed class PlaybookContext(string playbookPath, Func<string, string> displayPath)
{
    private readonly Dictionary<string, SourceLocation> _sites = new(StringComparer.Ordinal);

    public string PlaybookPath { get; } = Path.GetFullPath(playbookPath);

    public string PlaybookDirectory => Path.GetDirectoryName(PlaybookPath) ?? "/";

    /// <summary>A caller-info file path (as the compiler baked it in) turned into the path users see.</summary>
    public SourceLocation At(string callerFile, int line) =>
        new(string.IsNullOrEmpty(callerFile) ? displayPath(PlaybookPath) : displayPath(callerFile), line);

    public void Record(string siteKey, SourceLocation at) => _sites[siteKey] = at;

    public DeclarationSites Sites() => new(new Dictionary<string, SourceLocation>(_sites, StringComparer.Ordinal));

    /// <summary>Expands <c>~</c> and resolves relative paths against the playbook's directory.</summary>
    public string ResolvePath(string path, SourceLocation? at)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new PlaybookException("path must not be empty", at);
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return Path.GetFullPath(Path.Join(home, path[1..]));
        }
        return Path.GetFullPath(path, PlaybookDirectory);
    }
}
