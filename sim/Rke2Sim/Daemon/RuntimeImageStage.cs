using System.Security.Cryptography;
using System.Text;
using Rke2Sim.Artifacts;
using Rke2Sim.Hosting;
using Rke2Sim.Logging;

namespace Rke2Sim.Daemon;

/// <summary>
/// How rke2 gets its runtime image (the containerd, kubelet and kubectl binaries and the charts) before anything else
/// starts, as rancher/rke2 pkg/bootstrap/bootstrap.go Stage does on every start of a server or an agent (through the
/// executor's Bootstrap): skipped when <c>data/&lt;tag&gt;-&lt;hash&gt;/.extracted</c> already exists for this release;
/// otherwise the image is looked for in the archives of <c>/var/lib/rancher/rke2/agent/images/</c>
/// (preloadBootstrapFromRuntime, wharfie's tarfile.FindImage; an archive that cannot be read logs
/// <c>Failed to load runtime image ... from tarball</c>), and only when no archive holds it pulled from the registry,
/// which on a host without registry access fails ("this will fail (potentially after a long delay) if the registry
/// cannot be reached", says the source) with <c>failed to get runtime image ...</c>: fatal, and the unit restarts it.
/// </summary>
public static class RuntimeImageStage
{
    public static void Run(NodeDaemon daemon)
    {
        var image = ImageArchives.RuntimeImage(daemon.Release.Version);
        var marker = CompletionMarker(daemon.Release.Version);
        if (File.Exists(SimPaths.Resolve(marker)))
        {
            daemon.Log($"Runtime image {image} bin and charts directories already exist; skipping extract");
            return;
        }
        if (!FoundInArchives(image))
        {
            daemon.Log($"Pulling runtime image {image}");
            if (!daemon.Host.RegistryAccess)
            {
                throw new FatalException($"failed to get runtime image {image}: Get \"https://index.docker.io/v2/\": dial tcp: lookup index.docker.io: no such host");
            }
        }
        SimPaths.WriteAtomically(marker, image);
    }

    /// <summary>data/&lt;tag&gt;-&lt;first 12 hex of sha256(reference)&gt;/.extracted (bootstrap.go releaseRefDigest, completionMarkerForDigest).</summary>
    public static string CompletionMarker(string version)
    {
        var image = ImageArchives.RuntimeImage(version);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(image)))[..12];
        return $"{SimPaths.DataDir}/data/{version.Replace('+', '-')}-{hash}/.extracted";
    }

    private static bool FoundInArchives(string image)
    {
        var directory = SimPaths.Resolve(SimPaths.AgentImagesDir);
        if (!Directory.Exists(directory)) return false;
        foreach (var path in Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal))
        {
            if (!ImageArchives.IsSupported(Path.GetFileName(path))) continue;
            try
            {
                if (ImageArchives.ImagesIn(path).Contains(image, StringComparer.Ordinal)) return true;
            }
            catch (Exception error) when (error is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                LogrusLog.Warn($"Failed to load runtime image {image} from tarball: {Path.GetFileName(path)}: {error.Message}");
            }
        }
        return false;
    }
}
