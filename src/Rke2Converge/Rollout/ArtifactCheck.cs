using System.Security.Cryptography;
using Rke2Converge.Model;
using Rke2Converge.Plan;
using Rke2Converge.Plan.Changes;
using Rke2Converge.Remote;
using Rke2Converge.Rollout.Operations;

namespace Rke2Converge.Rollout;

/// <summary>
/// Checks at plan time, before any host changes, that the release files the install phase will need are there.
/// A local directory is checked completely: DIR/VERSION/rke2.linux-ARCH.tar.gz and sha256sum-ARCH.txt exist and the
/// tarball's SHA-256 is the one the checksum file lists. A mirror's URL is checked when the playbook loads; here the
/// first node that installs each architecture fetches the checksum file (one bounded request) and it must list the
/// tarball. The tarball itself is downloaded and verified on each node during the install, as before.
/// </summary>
internal static class ArtifactCheck
{
    private static readonly TimeSpan MirrorTimeout = TimeSpan.FromSeconds(20);

    public static async Task<IReadOnlyList<string>> ProblemsAsync(
        ClusterPlan plan, ArtifactSource? source, Func<string, IRemoteShell> shellFor, CancellationToken cancellationToken)
    {
        var installs = plan.Hosts
            .Select(host => (host.Node, Change: host.Find<InstallChange>()))
            .Where(pair => pair.Change is not null)
            .GroupBy(pair => (pair.Change!.To, pair.Change.Arch))
            .ToList();
        var problems = ImageProblems(plan).ToList();
        if (installs.Count == 0) return problems;
        if (source is null)
        {
            return [.. problems, $"no artifact source declared, but {string.Join(", ", installs.SelectMany(g => g).Select(p => p.Node))} need RKE2 installed: " +
                    "use Artifacts.FromDirectory(...) or Artifacts.FromMirror(...)"];
        }
        foreach (var group in installs)
        {
            var (version, arch) = group.Key;
            var nodes = group.Select(pair => pair.Node).ToList();
            var problem = source switch
            {
                ArtifactSource.LocalDirectory local => await CheckDirectoryAsync(local, version, arch, cancellationToken).ConfigureAwait(false),
                ArtifactSource.Mirror mirror => await CheckMirrorAsync(mirror, version, arch, shellFor(nodes[0]), cancellationToken).ConfigureAwait(false),
                _ => null,
            };
            if (problem is not null) problems.Add($"artifacts for {version} ({arch}), needed by {string.Join(", ", nodes)}: {problem}");
        }
        return problems;
    }

    private static async Task<string?> CheckDirectoryAsync(ArtifactSource.LocalDirectory source, Rke2Version version, string arch, CancellationToken cancellationToken)
    {
        var tarballName = InstallOperations.TarballName(arch);
        var tarball = ArtifactFiles.PathOf(source, version, tarballName);
        var sums = ArtifactFiles.PathOf(source, version, InstallOperations.ChecksumName(arch));
        var missing = new[] { tarball, sums }.Where(path => !File.Exists(path)).ToList();
        if (missing.Count > 0) return $"{string.Join(" and ", missing)} not found";
        var expected = ListedChecksum(await File.ReadAllTextAsync(sums, cancellationToken).ConfigureAwait(false), tarballName);
        if (expected is null) return $"{sums} lists no checksum for {tarballName}";
        string actual;
        await using (var stream = File.OpenRead(tarball))
        {
            actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
        }
        return string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"{tarball} does not match {sums}: expected sha256 {expected}, got {actual}";
    }

    private static async Task<string?> CheckMirrorAsync(ArtifactSource.Mirror mirror, Rke2Version version, string arch, IRemoteShell shell, CancellationToken cancellationToken)
    {
        var url = $"{InstallOperations.ReleaseUrl(mirror.BaseUrl, version)}/{InstallOperations.ChecksumName(arch)}";
        var command = new RemoteCommand($"fetch {url}", "curl -fsSL --max-time 15 \"$1\"")
        {
            Arguments = [url],
            Timeout = MirrorTimeout,
        };
        try
        {
            var result = await shell.RunAsync(command, cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded) return $"{url} is not reachable from {shell.NodeName} (exit {result.ExitCode}): {result.Stderr.Trim()}";
            var tarballName = InstallOperations.TarballName(arch);
            return ListedChecksum(result.Stdout, tarballName) is null ? $"{url} lists no checksum for {tarballName}" : null;
        }
        catch (RemoteException error)
        {
            return $"{url} could not be checked from {shell.NodeName}: {error.Message}";
        }
    }

    /// <summary>
    /// Each images tarball a node will be sent, checked once: its bytes must be the ones its checksum file lists (the
    /// plan bound that checksum). A tarball the checksum file does not list is bound by its own hash.
    /// </summary>
    private static IEnumerable<string> ImageProblems(ClusterPlan plan)
    {
        var pushes = plan.Hosts
            .Where(host => host.Desired.Images is not null)
            .SelectMany(host => host.Changes.OfType<AirGapImageChange>().Select(change => (host.Node, Path: ArtifactFiles.PathOf(host.Desired.Images!.Source, host.Desired.Version, change.File), change.Sha256)))
            .GroupBy(push => (push.Path, push.Sha256));
        foreach (var group in pushes)
        {
            var (path, expected) = group.Key;
            var nodes = string.Join(", ", group.Select(push => push.Node));
            if (!File.Exists(path))
            {
                yield return $"images tarball {path}, needed by {nodes}, is gone";
                continue;
            }
            var actual = ImageArtifacts.Sha256Of(path);
            if (actual != expected) yield return $"images tarball {path}, needed by {nodes}, does not match its checksum file: expected sha256 {expected}, got {actual}";
        }
    }

    /// <summary>The hash sha256sum listed for a file ("HASH  NAME", or "HASH *NAME" in binary mode), or null.</summary>
    public static string? ListedChecksum(string sums, string fileName) =>
        sums.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length == 2 && fields[1].TrimStart('*') == fileName)
            .Select(fields => fields[0])
            .FirstOrDefault();
}
