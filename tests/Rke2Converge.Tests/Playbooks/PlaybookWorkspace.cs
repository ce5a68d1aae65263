using Rke2Converge.Playbooks;

namespace Rke2Converge.Tests.Playbooks;

/// <summary>A temporary directory holding playbooks and a private compiled-playbook cache; deleted on dispose.</summary>
internal sealed class PlaybookWorkspace : IDisposable
{
    public PlaybookWorkspace()
    {
        Root = Path.Join(Path.GetTempPath(), "rke2c-playbook-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        CacheDirectory = Path.Join(Root, ".cache");
    }

    public string Root { get; }

    public string CacheDirectory { get; }

    public PlaybookLoader Loader() => new(new PlaybookLoaderOptions { CacheDirectory = CacheDirectory });

    public string Write(string relativePath, string content)
    {
        var path = Path.Join(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content.ReplaceLineEndings("\n"));
        return path;
    }

    public string[] CachedAssemblies() =>
        Directory.Exists(CacheDirectory) ? Directory.GetFiles(CacheDirectory, "*.dll") : [];

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory must not fail a test.
        }
    }
}
