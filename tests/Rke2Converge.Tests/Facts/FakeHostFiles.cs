using System.Runtime.Versioning;
using Rke2Converge.Tests.Remote;

namespace Rke2Converge.Tests.Facts;

/// <summary>
/// Files a test wants a host to have under /etc, /usr (/usr/local, say) and /var/lib: kept in overlay upper directories under
/// /tmp and mounted over the real ones only inside the mount namespace of a <see cref="LocalShell"/>. /usr, not /usr/local, is
/// overlaid so /usr/local stays what it is on most hosts, a directory and not a mount point (which moves RKE2 to /opt/rke2).
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class FakeHostFiles : IDisposable
{
    private static readonly string[] OverlaidDirectories = ["/etc", "/usr", "/var/lib"];

    public string Root { get; } = Path.Combine("/tmp", "rk2facts-" + Guid.NewGuid().ToString("N")[..8]);

    public FakeHostFiles()
    {
        foreach (var directory in OverlaidDirectories)
        {
            Directory.CreateDirectory(Upper(directory));
            Directory.CreateDirectory(Work(directory));
        }
    }

    public LocalShell Shell(string nodeName) => new(nodeName, NamespaceSetup);

    public string NamespaceSetup => string.Join(" && ", OverlaidDirectories.Select(directory =>
        $"mount -t overlay overlay -o lowerdir={directory},upperdir={Upper(directory)},workdir={Work(directory)} {directory}"));

    public void Write(string path, string content, bool executable = false)
    {
        var file = Map(path);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, content);
        if (executable) File.SetUnixFileMode(file, (UnixFileMode)0b111_101_101);
    }

    public void CreateDirectory(string path) => Directory.CreateDirectory(Map(path));

    public void Dispose() => Directory.Delete(Root, recursive: true);

    private string Map(string path)
    {
        var overlaid = OverlaidDirectories.Single(d => path.StartsWith(d + "/", StringComparison.Ordinal));
        return Upper(overlaid) + path[overlaid.Length..];
    }

    private string Upper(string directory) => Path.Combine(Root, directory.Trim('/').Replace('/', '-'), "upper");

    private string Work(string directory) => Path.Combine(Root, directory.Trim('/').Replace('/', '-'), "work");
}
